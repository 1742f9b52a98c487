"""Spend: totals per local day and month, the estimate before sending, the monthly budget question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.library.spend import Charge, budget_question, estimate, money, totals

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def at(delta: timedelta) -> str:
    return (NOW + delta).isoformat()


def test_totals_per_day_and_month() -> None:
    charges = [
        Charge(at(timedelta(hours=-1)), 0.50),  # today
        Charge(at(timedelta(minutes=-5)), 0.25),  # today
        Charge(at(timedelta(days=-3)), 1.00),  # this month
        Charge(at(timedelta(days=-40)), 9.00),  # last month
    ]
    t = totals(charges, NOW)
    assert (t.today, t.month) == (0.75, 1.75)


def test_estimate_is_free_for_drafts_and_priced_for_the_cloud() -> None:
    request = GenerationRequest(model="klingai:5@2", prompt="x", duration=10)
    assert estimate(request, "local") == 0.0
    five = estimate(request.model_copy(update={"duration": 5}), "runware")
    ten = estimate(request, "runware")
    assert five is not None and ten is not None and ten == 2 * five > 0
    shots = GenerationRequest(
        model="klingai:kling-video@3-standard", prompt="", shots=(Shot(prompt="a", duration=3),) * 2
    )
    assert estimate(shots, "runware") == estimate(
        shots.model_copy(update={"shots": (), "duration": 6}), "runware"
    )


def test_budget_asks_only_when_a_send_would_pass_it() -> None:
    assert budget_question(9.0, 0.5, None) is None  # no budget set
    assert budget_question(9.0, 0.5, 10.0) is None  # stays inside
    question = budget_question(9.8, 0.5, 10.0)
    assert question is not None and "$10.00" in question and "$10.30" in question
    assert budget_question(10.0, None, 10.0) is not None  # unknown cost once the budget is reached
    assert budget_question(3.0, None, 10.0) is None


def test_money_reads_like_words() -> None:
    assert money(0.0, "local") == "free (draft)"
    assert money(0.4234, "runware") == "$0.42"
    assert money(0.4, "runware", estimated=True) == "about $0.40"
    assert money(None, "runware") == ""
