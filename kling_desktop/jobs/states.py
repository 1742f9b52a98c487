"""The job state machine: pure logic, no I/O."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "queued"  # written to the journal; waiting for a provider slot
    SUBMITTING = "submitting"  # the request may be on the wire: on resume, ask before sending again
    SUBMITTED = "submitted"  # the provider acknowledged it
    RUNNING = "running"  # the provider says it is processing
    WAITING = "waiting"  # no usable answer (outage, offline, broken reply): checking again with backoff
    STALLED = "stalled"  # far longer than the model needs without progress: polled slowly, never dropped
    DOWNLOADING = "downloading"  # the result exists; fetching it into the library
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # abandoned by the user

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
    JobState.SUBMITTED: "Accepted",
    JobState.RUNNING: "Rendering",
    JobState.WAITING: "Waiting",
    JobState.STALLED: "Stalled",
    JobState.DOWNLOADING: "Downloading",
    JobState.DONE: "Done",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
}

S = JobState
_ENDS = frozenset({S.FAILED, S.CANCELLED})
_TROUBLE = frozenset({S.WAITING, S.STALLED})
ALLOWED: dict[JobState, frozenset[JobState]] = {
    S.QUEUED: frozenset({S.SUBMITTING, *_TROUBLE, *_ENDS}),
    # SUBMITTING → QUEUED: the provider proved it never received the task, so sending again is safe.
    S.SUBMITTING: frozenset({S.SUBMITTED, S.RUNNING, S.DOWNLOADING, S.QUEUED, *_TROUBLE, *_ENDS}),
    S.SUBMITTED: frozenset({S.RUNNING, S.DOWNLOADING, S.QUEUED, *_TROUBLE, *_ENDS}),
    S.RUNNING: frozenset({S.DOWNLOADING, S.QUEUED, *_TROUBLE, *_ENDS}),
    # WAITING / STALLED return to the phase the job was in once the provider (or the file host) answers.
    S.WAITING: frozenset({S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DOWNLOADING, S.STALLED, *_ENDS}),
    S.STALLED: frozenset({S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DOWNLOADING, S.WAITING, *_ENDS}),
    S.DOWNLOADING: frozenset({S.DONE, *_TROUBLE, *_ENDS}),
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
