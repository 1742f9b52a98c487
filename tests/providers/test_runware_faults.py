"""Every injected fault ends in ``done`` or a clear error; retries reuse the task id; one accepted submission."""

from __future__ import annotations

import asyncio

import pytest
from media_factory import make_png

from kling_desktop.core.paths import AppPaths
from kling_desktop.core.probe import probe_media
from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.states import JobState
from kling_desktop.services import build_services
from kling_emulator.faults import Faults
from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

REQ = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)


def run_one(emu: EmulatorServer, monkeypatch, request: GenerationRequest = REQ):
    monkeypatch.setenv("KLING_DESKTOP_RUNWARE_URL", emu.base_url)
    monkeypatch.setenv("RUNWARE_API_KEY", RUNWARE_TEST_KEY)

    async def main():
        s = build_services(AppPaths.default())
        try:
            job = await s.runner.submit(request, "runware")
            return await asyncio.wait_for(s.runner.wait(job.id), 90)
        finally:
            await s.aclose()

    return asyncio.run(main())


RECOVERS = [
    "latency=0.3",
    "429=2,retry_after=0.2",
    "5xx=3",
    "reset=2",
    "malformed=2",
    "truncate=1",
    "drop_reply=1",
]


@pytest.mark.parametrize("spec", RECOVERS)
def test_transient_faults_end_done_with_one_submission(spec, monkeypatch) -> None:
    with EmulatorServer(faults=spec, delay=0.2, max_side=160) as emu:
        job = run_one(emu, monkeypatch)
        assert job.state is JobState.DONE, job.error
        assert emu.submissions[job.task_id] == 1
        assert probe_media(job.files[0]).duration == pytest.approx(5.0, abs=0.05)
        assert sum(emu.faults.hits.values()) >= 1 or emu.faults.latency  # the fault really fired


FAILS = [
    ("fail=1", "did not respond within the timeout window"),
    ("fail=1,item_errors", "did not respond within the timeout window"),
    ("badkey", "Runware rejected the API key. Open Settings"),
    ("expired", "no longer available at the provider"),
]


@pytest.mark.parametrize(("spec", "words"), FAILS)
def test_permanent_faults_end_in_a_clear_error(spec, words, monkeypatch) -> None:
    with EmulatorServer(faults=spec, delay=0.2, max_side=160) as emu:
        job = run_one(emu, monkeypatch)
        assert job.state is JobState.FAILED
        assert words in job.error
        assert RUNWARE_TEST_KEY not in job.error
        assert job.request == REQ  # kept: one click retries it


def test_validation_error_names_the_rule(monkeypatch) -> None:
    bad = REQ.model_copy(update={"duration": 7})  # the client would refuse it; the service refuses it too
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        job = run_one(emu, monkeypatch, bad)
    assert (
        job.state is JobState.FAILED
        and "5 or 10 seconds" in job.error
        and "(parameter duration)" in job.error
    )


def test_missing_key_says_where_to_add_one(monkeypatch, tmp_path) -> None:
    with EmulatorServer(delay=0.2) as emu:
        monkeypatch.setenv("KLING_DESKTOP_RUNWARE_URL", emu.base_url)
        monkeypatch.delenv("RUNWARE_API_KEY", raising=False)

        async def main():
            s = build_services(AppPaths.default())
            try:
                job = await s.runner.submit(REQ, "runware")
                return await s.runner.wait(job.id)
            finally:
                await s.aclose()

        job = asyncio.run(main())
    assert job.state is JobState.FAILED and "No Runware API key is set" in job.error


def test_fault_spec_parsing() -> None:
    f = Faults.parse("latency=0.5,429=2,5xx=3,reset=1,truncate=1,malformed=1,fail=1,badkey,expired,1303=2")
    assert f.latency == 0.5 and f.badkey and f.expired
    assert f.counts == {"429": 2, "5xx": 3, "reset": 1, "truncate": 1, "malformed": 1, "fail": 1, "1303": 2}
    assert f.take("429") and f.take("429") and not f.take("429")
    assert f.expired_after == 0 and f.is_expired(0.0) and not Faults.parse("").expired
    later = Faults.parse("expired=5,item_errors")
    assert later.item_errors and not later.is_expired(4.9) and later.is_expired(5.0)
    assert not Faults.parse("expired=false").expired and not Faults.parse("badkey=0").badkey
    with pytest.raises(ValueError, match="unknown fault 'gremlins'"):
        Faults.parse("gremlins=1")


def test_images_upload_through_the_emulator(monkeypatch, tmp_path) -> None:
    img = make_png(tmp_path / "f.png", 640, 360)
    with EmulatorServer(faults="reset=1", delay=0.2, max_side=160) as emu:
        job = run_one(
            emu, monkeypatch, GenerationRequest(model="klingai:5@1", first_frame=str(img), duration=5)
        )
        assert job.state is JobState.DONE and emu.state.upload_count == 1
