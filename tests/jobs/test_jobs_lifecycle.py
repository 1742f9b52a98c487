"""The lifecycle's words and rules as pure functions: retry plans, waiting and stalled lines, backoff."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.lifecycle import WAIT_CAP, retry_plan, status_line, wait_delay
from kling_desktop.jobs.model import Job, now_iso
from kling_desktop.jobs.states import IllegalTransition, JobState, check_transition
from kling_desktop.providers.base import RemoteOutput

S = JobState
NOW = datetime(2026, 11, 23, 14, 10, tzinfo=UTC)
JOB = Job("j1", "task-1234-5678", "runware", "klingai:1@1", GenerationRequest(model="klingai:1@1"))


def _accepted(**changes) -> Job:
    return replace(JOB, submitted_at=now_iso(NOW - timedelta(minutes=9)), **changes)


def test_retry_after_the_providers_verdict_sends_a_new_task_billed_again() -> None:
    plan = retry_plan(_accepted(state=S.FAILED, failed_by="provider"))
    assert plan.action == "new-task" and plan.bills_again and "billed again" in plan.message


@pytest.mark.parametrize("failed_by", ["here", "refused", None])
def test_retry_after_a_failure_on_this_side_reattaches(failed_by) -> None:
    plan = retry_plan(_accepted(state=S.FAILED, failed_by=failed_by))
    assert plan.action == "reattach" and not plan.bills_again and "nothing is billed twice" in plan.message
    unsent = retry_plan(replace(JOB, state=S.FAILED, failed_by=failed_by))
    assert unsent.action == "reattach" and "same task id" in unsent.message and not unsent.bills_again


def test_retry_of_an_abandoned_accepted_task_reattaches_and_of_running_jobs_does_nothing() -> None:
    assert retry_plan(_accepted(state=S.CANCELLED)).action == "reattach"
    for state in (S.WAITING, S.STALLED, S.RUNNING, S.QUEUED):
        assert retry_plan(_accepted(state=state)).action == "none"
    assert (
        retry_plan(replace(JOB, provider="local", state=S.FAILED, failed_by="provider")).bills_again is False
    )


def test_waiting_line_says_since_when_that_the_task_is_safe_and_when_it_checks_again() -> None:
    job = _accepted(
        state=S.WAITING,
        wait_reason="no-answer",
        waiting_since=now_iso(NOW - timedelta(minutes=8)),
        next_check_at=now_iso(NOW + timedelta(minutes=2)),
    )
    since = (NOW - timedelta(minutes=8)).astimezone().strftime("%H:%M")
    assert status_line(job, NOW) == (
        f"Runware has not answered since {since} — your task is safe; checking again in 2 min."
    )
    assert status_line(job, NOW + timedelta(seconds=110)).endswith("checking again in 10 s.")


def test_offline_and_file_host_lines() -> None:
    offline = replace(JOB, state=S.WAITING, wait_reason="offline", next_check_at=now_iso(NOW))
    assert status_line(offline, NOW).startswith("Offline — waiting for the network.")
    assert "The job is sent when Runware answers" in status_line(offline, NOW)
    host = _accepted(
        state=S.WAITING, wait_reason="file-host", waiting_since=now_iso(NOW), next_check_at=now_iso(NOW)
    )
    assert status_line(host, NOW).startswith("The file host has not delivered the result since")
    assert "your result is safe at Runware" in status_line(host, NOW)


def test_stalled_line_offers_abandon_and_says_it_may_be_billed() -> None:
    job = _accepted(
        state=S.STALLED,
        wait_reason="stalled",
        last_progress_at=now_iso(NOW - timedelta(hours=2)),
        next_check_at=now_iso(NOW + timedelta(minutes=5)),
    )
    line = status_line(job, NOW)
    assert "no progress on this task since" in line and "far longer than this model needs" in line
    assert "Abandon stops waiting" in line and "may still finish and bill" in line


def test_waits_grow_and_are_capped_at_a_few_minutes() -> None:
    rng = random.Random(3)
    waits = [wait_delay(n, rng=rng) for n in range(1, 20)]
    assert waits[0] < waits[3] < waits[5]
    assert max(waits) <= WAIT_CAP * 1.1 and waits[-1] >= WAIT_CAP * 0.9


def test_waiting_and_stalled_return_to_work_and_can_be_abandoned() -> None:
    for phase in (S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DOWNLOADING):
        check_transition(phase, S.WAITING)
        check_transition(S.WAITING, phase)
    check_transition(S.RUNNING, S.STALLED)
    check_transition(S.STALLED, S.RUNNING)
    check_transition(S.WAITING, S.CANCELLED)
    check_transition(S.STALLED, S.CANCELLED)
    with pytest.raises(IllegalTransition):
        check_transition(S.WAITING, S.DONE)  # only a verified download ends a job as done


def test_outputs_are_typed_and_round_trip_through_the_journal(tmp_path) -> None:
    from kling_desktop.jobs.journal import Journal

    journal = Journal(tmp_path / "jobs.sqlite")
    out = RemoteOutput(url="http://127.0.0.1/x.mp4", kind="video", extension="mp4", cost=0.3, remote_id="v1")
    journal.add(_accepted(state=S.DOWNLOADING, outputs=(out,)))
    back = journal.get("j1")
    assert back.outputs == (out,) and isinstance(back.outputs[0], RemoteOutput)
    assert back.request == JOB.request and back.accepted


def test_a_refused_status_query_says_what_to_fix_and_that_the_task_is_safe() -> None:
    job = _accepted(
        state=S.WAITING,
        wait_reason="refused",
        error="Runware rejected the API key. Open Settings → Providers and paste a valid Runware key, then press Retry.",
        next_check_at=now_iso(NOW + timedelta(minutes=3)),
    )
    line = status_line(job, NOW)
    assert line.startswith("Runware rejected the API key.") and "Your task is safe at Runware" in line
    assert line.endswith("checking again in 3 min — it carries on by itself once this is fixed.")
    assert "press Retry" not in line  # a waiting job needs no Retry: the message must not promise one
