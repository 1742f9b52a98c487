"""What making clips has cost: totals per day and per month, and the monthly budget check. Pure (no Qt, no
I/O): the window gives it the jobs it already has and shows the answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kling_desktop.catalog.pricing import estimate_cost, price_for
from kling_desktop.core.request import GenerationRequest


@dataclass(frozen=True)
class Charge:
    at: str  # ISO time (UTC) the job was created
    usd: float


@dataclass(frozen=True)
class SpendTotals:
    today: float
    month: float


def _local(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment.astimezone() if moment.tzinfo else moment


def totals(charges: Iterable[Charge], now: datetime) -> SpendTotals:
    """Sums for the local calendar day and month that hold ``now``."""
    now = now.astimezone() if now.tzinfo else now
    day = month = 0.0
    for c in charges:
        when = _local(c.at)
        if (when.year, when.month) == (now.year, now.month):
            month += c.usd
            if when.day == now.day:
                day += c.usd
    return SpendTotals(round(day, 4), round(month, 4))


def estimate(request: GenerationRequest, provider: str) -> float | None:
    """USD a send would cost (None when it cannot be known yet); drafts on this computer are free."""
    if provider == "local":
        return 0.0
    seconds = request.duration
    if seconds is None and request.shots:
        seconds = sum(s.duration for s in request.shots)
    return estimate_cost(
        price_for(request.model),
        seconds=seconds,
        sound=bool(request.sound),
        images=request.number_results,
    )


def budget_question(month_total: float, cost: float | None, budget: float | None) -> str | None:
    """A question to ask before a send that would pass the monthly budget; None when no question is needed."""
    if not budget or budget <= 0:
        return None
    if cost is None:
        if month_total >= budget:
            return (
                f"This month's spend (${month_total:.2f}) has reached your monthly budget of ${budget:.2f}, "
                "and this job's cost cannot be estimated yet. Send it anyway?"
            )
        return None
    if month_total + cost <= budget:
        return None
    return (
        f"This job costs about ${cost:.2f}. With ${month_total:.2f} spent this month it would pass your monthly "
        f"budget of ${budget:.2f} (total ${month_total + cost:.2f}). Send it anyway?"
    )


def money(usd: float | None, provider: str = "", estimated: bool = False) -> str:
    """A cost as people read it: "free (draft)", "about $0.42", "$0.42", or "" when unknown."""
    if provider == "local":
        return "free (draft)"
    if usd is None:
        return ""
    return f"about ${usd:.2f}" if estimated else f"${usd:.2f}"
