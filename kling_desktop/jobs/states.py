"""The job state machine: pure logic, no I/O."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "queued"  # written to the journal; waiting for a provider slot
    SUBMITTING = "submitting"  # the request may be on the wire: on resume, ask before sending again
    SUBMITTED = "submitted"  # the provider acknowledged it
    RUNNING = "running"  # the provider says it is processing
    DOWNLOADING = "downloading"  # the result exists; fetching it into the library
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in FINISHED

    @property
    def label(self) -> str:
        return _LABELS[self]


FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
_LABELS = {
    JobState.QUEUED: "Queued",
    JobState.SUBMITTING: "Sending",
    JobState.SUBMITTED: "Waiting",
    JobState.RUNNING: "Rendering",
    JobState.DOWNLOADING: "Downloading",
    JobState.DONE: "Done",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
}

S = JobState
ALLOWED: dict[JobState, frozenset[JobState]] = {
    S.QUEUED: frozenset({S.SUBMITTING, S.FAILED, S.CANCELLED}),
    # SUBMITTING → QUEUED: the provider proved it never received the task, so sending again is safe.
    S.SUBMITTING: frozenset({S.SUBMITTED, S.RUNNING, S.DOWNLOADING, S.QUEUED, S.FAILED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.RUNNING, S.DOWNLOADING, S.QUEUED, S.FAILED, S.CANCELLED}),
    S.RUNNING: frozenset({S.DOWNLOADING, S.QUEUED, S.FAILED, S.CANCELLED}),
    S.DOWNLOADING: frozenset({S.DONE, S.FAILED, S.CANCELLED}),
    S.DONE: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}


class IllegalTransition(ValueError):
    pass


def check_transition(old: JobState, new: JobState) -> None:
    if old == new:
        return
    if new not in ALLOWED[old]:
        raise IllegalTransition(f"a job cannot go from {old.value} to {new.value}")


def needs_submit_check(state: JobState) -> bool:
    """On resume: states where the task may have reached the provider, so it must be asked, not re-sent."""
    return state in (S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DOWNLOADING)
