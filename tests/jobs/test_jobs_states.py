"""The job state machine, without I/O."""

from __future__ import annotations

import pytest

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import (
    ALLOWED,
    FINISHED,
    IllegalTransition,
    JobState,
    check_transition,
)
from kling_desktop.providers.backoff import parse_retry_after, poll_delays, retry_delay

S = JobState


def test_happy_path_is_allowed() -> None:
    path = [S.QUEUED, S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DOWNLOADING, S.DONE]
    for old, new in zip(path, path[1:], strict=False):
        check_transition(old, new)


@pytest.mark.parametrize("final", sorted(FINISHED))
def test_finished_states_are_final(final: JobState) -> None:
    assert ALLOWED[final] == frozenset()
    for other in JobState:
        if other != final:
            with pytest.raises(IllegalTransition):
                check_transition(final, other)


def test_cannot_skip_submission() -> None:
    with pytest.raises(IllegalTransition, match="queued to running"):
        check_transition(S.QUEUED, S.RUNNING)
    with pytest.raises(IllegalTransition):
        check_transition(S.QUEUED, S.DONE)


def test_job_moves_record_finish_time() -> None:
    job = Job("j", "t", "local", "klingai:1@1", GenerationRequest(model="klingai:1@1"))
    failed = job.moved(S.FAILED, error="boom")
    assert failed.finished_at and failed.error == "boom" and failed.request.model == "klingai:1@1"
    with pytest.raises(IllegalTransition):
        failed.moved(S.SUBMITTING)


def test_poll_delays_start_soon_and_stay_low() -> None:
    it = poll_delays()
    delays = [next(it) for _ in range(10)]
    assert delays[0] <= 1.0 and max(delays) <= 3.0 and delays == sorted(delays)


def test_retry_after_parsing() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("100000") == 120.0
    assert parse_retry_after("garbage") is None and parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_retry_delay_grows_with_jitter_and_cap() -> None:
    import random

    rng = random.Random(1)
    d = [retry_delay(a, rng=rng) for a in range(1, 12)]
    assert d[0] < d[3] and max(d) <= 20.0 * 1.2
