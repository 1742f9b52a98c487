"""The words and numbers of the job lifecycle, as pure functions the runner, the CLI and the window share.

- ``wait_delay``: how long a waiting job waits before it asks again (capped exponential backoff).
- ``waiting_notice`` / ``stalled_notice``: the status line of a WAITING / STALLED job.
- ``status_line(job, now)``: that line recomputed for "now" (the "checking again in …" part moves on).
- ``retry_plan(job)``: what Retry does with a job — re-attach to the same task, or send a new task that is
  billed again — and the sentence that says so.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState
from kling_desktop.providers.backoff import retry_delay

WAIT_FIRST = 5.0  # seconds before the first check after trouble
WAIT_CAP = 180.0  # the longest wait between two checks while waiting
STALLED_POLL = 300.0  # a stalled task is still polled, slowly
STALL_AFTER = {"video": 3600.0, "image": 1200.0}  # no progress for this long: far beyond what a model needs
DOWNLOAD_DEADLINE = 7200.0  # the file host has not delivered the result for this long: said, still tried

STALL_AFTER_ENV = "KLING_DESKTOP_STALL_AFTER"  # tests: seconds without progress before a task is stalled


def stall_after_for(kind: str) -> float:
    """Seconds without progress after which a task of this kind ("video" / "image") is stalled."""
    try:
        return float(os.environ[STALL_AFTER_ENV])
    except (KeyError, ValueError):
        return STALL_AFTER["image" if kind == "image" else "video"]


PROVIDER_NAMES = {"runware": "Runware", "kling": "Kling", "local": "This computer"}


def provider_name(provider: str) -> str:
    return PROVIDER_NAMES.get(provider, provider)


def wait_delay(attempt: int, *, rng: random.Random | None = None) -> float:
    """5, 10, 20, 40, 80, 160, 180, 180, ... seconds (±10 %) for the n-th consecutive check that failed."""
    return retry_delay(attempt, base=WAIT_FIRST, cap=WAIT_CAP, jitter=0.1, rng=rng)


def _clock_time(iso: str | None) -> str:
    if not iso:
        return "a moment ago"
    return datetime.fromisoformat(iso).astimezone().strftime("%H:%M")


def _in(seconds: float) -> str:
    if seconds < 1:
        return "now"
    if seconds < 90:
        return f"in {seconds:.0f} s"
    return f"in {round(seconds / 60)} min"


def waiting_notice(job: Job, now: datetime) -> str:
    """'Runware has not answered since 14:02 — your task is safe; checking again in 2 min.'"""
    who = provider_name(job.provider)
    until = datetime.fromisoformat(job.next_check_at) if job.next_check_at else now
    again = f"checking again {_in((until - now).total_seconds())}"
    safe = "your task is safe" if job.accepted else "nothing was lost"
    if job.wait_reason == "offline":
        tail = f"{safe}; {again}." if job.accepted else f"the job is sent when {who} answers; {again}."
        return f"Offline — waiting for the network. {tail[0].upper()}{tail[1:]}"
    if job.wait_reason == "refused":  # e.g. the key was revoked: the task itself is not in question
        why = job.error.rstrip(".") if job.error else f"{who} refused the status query"
        # The provider's advice ends in "press Retry" for a job that failed before it was sent; a waiting job
        # needs no Retry: it carries on by itself at the next check once the cause is fixed.
        why = (
            why.removesuffix(", then press Retry")
            .removesuffix("; press Retry")
            .removesuffix(" or press Retry")
        )
        return f"{why}. {safe[0].upper()}{safe[1:]} at {who}; {again} — it carries on by itself once this is fixed."
    if job.wait_reason == "file-host":
        return (
            f"The file host has not delivered the result since {_clock_time(job.waiting_since)} — "
            f"your result is safe at {who}; {again}."
        )
    return f"{who} has not answered since {_clock_time(job.waiting_since)} — {safe}; {again}."


def stalled_notice(job: Job, now: datetime) -> str:
    who = provider_name(job.provider)
    until = datetime.fromisoformat(job.next_check_at) if job.next_check_at else now
    again = f"checking again {_in((until - now).total_seconds())}"
    if job.wait_reason == "file-host":
        return (
            f"The file host has not delivered the result since {_clock_time(job.waiting_since)}, far "
            f"longer than a download takes. The app keeps trying ({again}); Abandon stops waiting "
            f"(the task was billed)."
        )
    return (
        f"{who} has shown no progress on this task since {_clock_time(job.last_progress_at)}, far longer "
        f"than this model needs. The app keeps checking ({again}); Abandon stops waiting — "
        f"{who} may still finish and bill the task."
    )


def status_line(job: Job, now: datetime) -> str:
    """The one line a list shows for a job, for the moment ``now``."""
    if job.state is JobState.WAITING:
        return waiting_notice(job, now)
    if job.state is JobState.STALLED:
        return stalled_notice(job, now)
    if job.state.finished:
        return job.error or job.state.label
    return job.state.label


@dataclass(frozen=True)
class RetryPlan:
    action: Literal["reattach", "new-task", "none"]
    bills_again: bool  # a new task is sent: the provider bills it again
    message: str


def retry_plan(job: Job) -> RetryPlan:
    """What Retry does with ``job``. Only a provider-confirmed failure (or a finished job) sends a new task."""
    who = provider_name(job.provider)
    if not job.state.finished:
        return RetryPlan("none", False, "The job is still running; nothing to retry.")
    if job.provider == "local":
        return RetryPlan("new-task", False, "Retry renders the draft again on this computer (free).")
    if job.state is JobState.DONE:
        return RetryPlan("new-task", True, f"Retry sends a new task to {who}; it will be billed again.")
    if job.state is JobState.FAILED and job.failed_by == "provider":
        return RetryPlan(
            "new-task",
            True,
            f"{who} reported that this task failed. Retry sends a new task, which will be billed again.",
        )
    if job.accepted:
        return RetryPlan(
            "reattach",
            False,
            f"Retry re-attaches to the same {who} task ({job.task_id[:8]}…) and fetches its result; nothing "
            "is billed twice.",
        )
    return RetryPlan(
        "reattach",
        False,
        f"{who} never accepted this task. Retry sends it with the same task id, so it is billed at most once.",
    )
