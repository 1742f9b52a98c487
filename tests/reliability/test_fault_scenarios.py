"""Every fault scenario ends with exactly one accepted submission, and a job the provider accepted ends only on
its verdict. Long outages run on a sped-up clock (``Clock(factor)``): the same decisions, in seconds."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from job_harness import REQ, Providers, run_job

from kling_desktop.jobs.clock import Clock
from kling_desktop.jobs.lifecycle import retry_plan
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.runner import JobRunner
from kling_desktop.jobs.states import JobState
from kling_desktop.jobs.verify import check_video
from kling_emulator.server import EmulatorServer

S = JobState


def _finished_with_one_submission(outcome, emu: EmulatorServer) -> None:
    job = outcome.job
    assert job.state is S.DONE, (job.error, outcome.states)
    assert emu.submissions[job.task_id] == 1 and sum(emu.submissions.values()) == 1
    path = Path(job.files[0])
    assert path.exists() and not path.with_name(path.name + ".part").exists()
    assert check_video(path) >= 24  # decodes to its last frame
    assert "Something went wrong on this computer" not in " ".join(outcome.notices())


@pytest.mark.parametrize("provider", ["runware", "kling"])
def test_status_queries_down_30_minutes_and_file_host_down_10(provider: str, tmp_path: Path) -> None:
    # factor 0.005: 30 min of the job's time is 9 s here; the outages are real seconds of the server.
    with EmulatorServer(faults="query_outage=9,host_outage=3", delay=0.2, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, provider=provider, factor=0.005)
        _finished_with_one_submission(out, emu)
        assert emu.faults.hits["query_outage"] >= 5 and emu.faults.hits["host_outage"] >= 2
    name = "Runware" if provider == "runware" else "Kling"
    assert any(
        n.startswith(f"{name} has not answered since") and "your task is safe" in n for n in out.notices()
    )
    assert any(n.startswith("The file host has not delivered the result") for n in out.notices())
    waits = [e.job for e in out.events if e.job.state is S.WAITING and e.job.wait_reason == "no-answer"]
    assert waits and len({w.waiting_since for w in waits}) == 1  # one outage, one "since"
    waited = datetime.fromisoformat(waits[-1].next_check_at) - datetime.fromisoformat(waits[0].waiting_since)
    assert waited > timedelta(minutes=25)  # the job's own clock: it waited out the half hour
    history = out.journal.history(out.job.id)
    assert [h for h in history if h[1] == "waiting"], history
    assert out.job.notice == "" and out.job.wait_reason is None  # no stale word on a finished job


@pytest.mark.parametrize(
    "spec",
    [
        "gzip=3",  # corrupt gzip bodies (the first one is the reply to the submit itself)
        "redirect=2",  # redirect loops
        "lost=4",  # taskFailedOrNotFound after Runware accepted the task: no proof, no resend
        "short=1",  # a Content-Length shorter than the file: refetched, never stored short
        "truncate=2",  # cut mid-body: resumed with Range
        "drip=1",  # a host that drips a byte at a time is cut and resumed
        "5xx=6,reset=3",
    ],
)
def test_runware_faults_end_with_one_submission(spec: str, tmp_path: Path) -> None:
    with EmulatorServer(faults=spec, delay=0.2, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, factor=0.01)
        _finished_with_one_submission(out, emu)
        name = spec.split("=")[0]
        assert emu.faults.hits.get(name), emu.faults.hits  # the fault did happen
        if name == "lost":
            assert emu.state.received[out.job.task_id] == 1  # not even a duplicate submit was sent


@pytest.mark.parametrize("spec", ["gzip=3", "redirect=2", "drop_reply=1", "short=1", "5xx=6,reset=3"])
def test_kling_faults_end_with_one_submission(spec: str, tmp_path: Path) -> None:
    with EmulatorServer(faults=spec, delay=0.2, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, provider="kling", factor=0.01)
        _finished_with_one_submission(out, emu)
        assert emu.faults.hits.get(spec.split("=")[0]), emu.faults.hits


def test_kling_1303_on_a_query_is_no_proof(tmp_path: Path) -> None:
    with EmulatorServer(faults="query1303=4", delay=0.2, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, provider="kling", factor=0.01)
        _finished_with_one_submission(out, emu)
        assert emu.faults.hits["query1303"] == 4 and emu.state.received[out.job.task_id] == 1
        assert any("Kling has not answered since" in n for n in out.notices())


def test_a_task_that_never_finishes_is_stalled_in_words_not_dropped(tmp_path: Path) -> None:
    with EmulatorServer(faults="never_finish", delay=0.2, max_side=160) as emu:

        async def release(runner: JobRunner, job) -> None:
            while runner.journal.get(job.id).state is not S.STALLED:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # still polled while stalled
            emu.faults.never_finish = False

        out = run_job(emu.base_url, tmp_path, factor=0.01, stall_after=600, during=release)
        _finished_with_one_submission(out, emu)
    stalled = [e.job for e in out.events if e.job.state is S.STALLED]
    assert stalled and "has shown no progress on this task since" in stalled[0].notice
    assert "Abandon stops waiting" in stalled[0].notice and "may still finish and bill" in stalled[0].notice


def test_taskfailedornotfound_for_far_too_long_is_stalled_not_resent(tmp_path: Path) -> None:
    """Runware keeps answering taskFailedOrNotFound after it accepted the task: no proof, so never sent again;
    after far longer than the model needs it is a stalled task (said in words, still polled), not an
    endless wait."""
    with EmulatorServer(faults="lost=100000", delay=0.2, max_side=160) as emu:

        async def release(runner: JobRunner, job) -> None:
            while runner.journal.get(job.id).state is not S.STALLED:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # still polled while stalled
            emu.faults.counts["lost"] = 0

        out = run_job(emu.base_url, tmp_path, factor=0.01, stall_after=600, during=release)
        _finished_with_one_submission(out, emu)
        assert emu.state.received[out.job.task_id] == 1
    stalled = [e.job for e in out.events if e.job.state is S.STALLED]
    assert stalled and "has shown no progress on this task since" in stalled[0].notice


def test_offline_is_said_at_once_and_the_job_continues_when_the_host_answers(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on: connections are refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    holder: dict[str, EmulatorServer] = {}

    async def come_online(runner: JobRunner, job) -> None:
        while runner.journal.get(job.id).state is not S.WAITING:
            await asyncio.sleep(0.02)
        holder["emu"] = EmulatorServer(port=port, delay=0.2, max_side=160).start()

    try:
        out = run_job(f"http://127.0.0.1:{port}", tmp_path, factor=0.01, during=come_online)
        emu = holder["emu"]
        _finished_with_one_submission(out, emu)
    finally:
        if "emu" in holder:
            holder["emu"].stop()
    first_wait = next(e.job for e in out.events if e.job.state is S.WAITING)
    assert first_wait.wait_reason == "offline" and first_wait.notice.startswith(
        "Offline — waiting for the network"
    )
    sending = [e for e in out.events if e.job.state is S.SUBMITTING]
    assert out.events.index(sending[0]) + 1 == out.events.index(
        next(e for e in out.events if e.job.state is S.WAITING)
    )  # no long "Sending…" first: the next thing said is "offline"


def test_provider_verdict_ends_the_job_and_retry_says_it_bills_again(tmp_path: Path) -> None:
    with EmulatorServer(faults="fail=1", delay=0.2, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, factor=0.01)
        assert out.job.state is S.FAILED and out.job.failed_by == "provider"
        assert emu.submissions[out.job.task_id] == 1
    plan = retry_plan(out.job)
    assert plan.action == "new-task" and plan.bills_again and "billed again" in plan.message


def test_retry_after_a_failure_here_reattaches_and_sends_no_second_task(tmp_path: Path, monkeypatch) -> None:
    from kling_desktop.jobs import download

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        monkeypatch.setitem(download.MAX_BYTES, "video", 1000)  # this computer refuses the (paid) result
        out = run_job(emu.base_url, tmp_path, factor=0.01)
        failed = out.job
        assert failed.state is S.FAILED and failed.failed_by == "here" and "more than" in failed.error
        assert "Retry re-attaches to the same task" in failed.error
        plan = retry_plan(failed)
        assert (
            plan.action == "reattach" and not plan.bills_again and "nothing is billed twice" in plan.message
        )
        monkeypatch.undo()  # the limit is raised again

        async def retry() -> Job:
            async with httpx.AsyncClient() as client:
                runner = JobRunner(
                    out.journal,
                    Providers(emu.base_url, client, tmp_path / "uploads"),
                    tmp_path / "media",
                    tmp_path / "work",
                    client,
                    clock=Clock(0.01),
                )
                retried = await runner.retry(failed.id)
                return await asyncio.wait_for(runner.wait(retried.id), 60)

        again = asyncio.run(retry())
        assert again.state is S.DONE and again.task_id == failed.task_id and again.retry_of == failed.id
        assert emu.submissions[failed.task_id] == 1 and sum(emu.submissions.values()) == 1
        check_video(Path(again.files[0]))


def test_abandon_while_waiting_is_the_users_word_and_leaves_no_partial_file(tmp_path: Path) -> None:
    with EmulatorServer(faults="host_outage=60", delay=0.2, max_side=160) as emu:

        async def abandon(runner: JobRunner, job) -> None:
            while runner.journal.get(job.id).wait_reason != "file-host":
                await asyncio.sleep(0.02)
            (runner.media_dir / f"{job.id}.mp4.part").write_bytes(b"what arrived before the outage")
            await runner.cancel(job.id)

        out = run_job(emu.base_url, tmp_path, factor=0.01, during=abandon)
        assert emu.submissions[out.job.task_id] == 1
    assert out.job.state is S.CANCELLED and "may still finish and bill" in out.job.error
    assert list((tmp_path / "media").glob("*")) == []
    assert retry_plan(out.job).action == "reattach"  # the task was paid: Retry fetches it, no new task


def test_a_file_host_down_for_hours_is_said_stalled_and_still_tried(tmp_path: Path) -> None:
    # factor 0.001: the 2-hour download deadline passes in about 7 s; the host comes back after 10 s.
    with EmulatorServer(faults="host_outage=10", delay=0.2, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, factor=0.001)
        _finished_with_one_submission(out, emu)
    stalled = [e.job for e in out.events if e.job.state is S.STALLED]
    assert stalled and stalled[0].wait_reason == "file-host"
    assert (
        "far longer than a download takes" in stalled[0].notice
        and "Abandon stops waiting" in stalled[0].notice
    )


def test_stalled_and_waiting_jobs_are_picked_up_after_a_restart(tmp_path: Path) -> None:
    """The journal alone carries the lifecycle: a fresh runner re-attaches to stalled and waiting jobs."""
    from dataclasses import replace

    import httpx
    from job_harness import Providers

    from kling_desktop.jobs.clock import Clock
    from kling_desktop.jobs.journal import Journal
    from kling_desktop.jobs.model import now_iso

    with EmulatorServer(delay=0.2, max_side=160) as emu:

        async def main():
            journal = Journal(tmp_path / "jobs.sqlite")
            async with httpx.AsyncClient() as client:
                runner = JobRunner(
                    journal,
                    Providers(emu.base_url, client, tmp_path / "up"),
                    tmp_path / "media",
                    tmp_path / "work",
                    client,
                    clock=Clock(0.01),
                )
                first = [await runner.submit(REQ, "runware") for _ in range(2)]
                for job in first:  # accepted, then the process "died" while stalled / waiting
                    while not journal.get(job.id).accepted:
                        await asyncio.sleep(0.01)
                await runner.aclose()
                for job, state in zip(first, (S.STALLED, S.WAITING), strict=True):
                    current: Job = journal.get(job.id)
                    journal.save(
                        replace(
                            current,
                            state=state,
                            wait_reason="stalled" if state is S.STALLED else "no-answer",
                            next_check_at=now_iso(),
                            notice="...",
                        )
                    )
                again = JobRunner(
                    journal,
                    Providers(emu.base_url, client, tmp_path / "up"),
                    tmp_path / "media",
                    tmp_path / "work",
                    client,
                    clock=Clock(0.01),
                )
                resumed = await again.resume_all()
                assert {j.state for j in resumed} == {S.STALLED, S.WAITING}
                return [await asyncio.wait_for(again.wait(j.id), 60) for j in resumed]

        done = asyncio.run(main())
        for job in done:
            assert job.state is S.DONE, job.error
            assert emu.submissions[job.task_id] == 1 and job.notice == ""
            check_video(Path(job.files[0]))


def test_an_expired_result_link_is_asked_again_then_is_the_providers_verdict(tmp_path: Path) -> None:
    with EmulatorServer(faults="expired", delay=0.2, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, factor=0.01)
        assert emu.submissions[out.job.task_id] == 1
    assert out.job.state is S.FAILED and out.job.failed_by == "provider" and "expired" in out.job.error
    assert retry_plan(out.job).bills_again  # only a new task makes a new result


def test_resume_picks_up_paid_jobs_an_older_release_failed_on_an_outage(tmp_path: Path) -> None:
    """Release 0.1.0 failed accepted jobs after a short outage and promised they would resume: they do."""
    from dataclasses import replace

    from kling_desktop.jobs.journal import Journal
    from kling_desktop.jobs.model import now_iso

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        first = run_job(emu.base_url, tmp_path, factor=0.01)  # a task Runware accepted (and finished)
        journal = Journal(tmp_path / "jobs.sqlite")
        legacy = replace(
            first.job,
            id="legacy000001",
            state=S.FAILED,
            files=(),
            outputs=(),
            failed_by=None,
            finished_at=now_iso(),
            error="Runware could not be reached: After 6 tries the service answered HTTP 500. The job is saved; "
            "it resumes when you retry or restart.",
        )
        journal.add(legacy)

        async def resume():
            async with httpx.AsyncClient() as client:
                runner = JobRunner(
                    journal,
                    Providers(emu.base_url, client, tmp_path / "uploads"),
                    tmp_path / "media",
                    tmp_path / "work",
                    client,
                    clock=Clock(0.01),
                )
                picked = await runner.resume_all()
                done = [await asyncio.wait_for(runner.wait(j.id), 60) for j in picked]
                again = await runner.resume_all()  # once: a re-attached job is not picked up twice
                return done, again

        done, again = asyncio.run(resume())
        assert [j.retry_of for j in done] == ["legacy000001"] and again == []
        assert done[0].state is S.DONE and done[0].task_id == legacy.task_id
        assert emu.submissions[legacy.task_id] == 1
        check_video(Path(done[0].files[0]))


def test_a_key_refused_while_polling_waits_in_words_and_continues_once_fixed(tmp_path: Path) -> None:
    with EmulatorServer(delay=1.0, max_side=160) as emu:

        async def revoke_then_fix(runner: JobRunner, job) -> None:
            while not runner.journal.get(job.id).accepted:
                await asyncio.sleep(0.01)
            emu.faults.badkey = True
            while runner.journal.get(job.id).wait_reason != "refused":
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)
            emu.faults.badkey = False

        out = run_job(emu.base_url, tmp_path, factor=0.01, during=revoke_then_fix)
        _finished_with_one_submission(out, emu)
    refused = [e.job for e in out.events if e.job.wait_reason == "refused"]
    assert refused and refused[0].notice.startswith("Runware rejected the API key")
    assert "Your task is safe at Runware" in refused[0].notice and out.job.error == ""
