"""The runner end to end with the local draft provider: journal first, a real MP4 in the library."""

from __future__ import annotations

import asyncio
from pathlib import Path

from media_factory import make_png

from kling_desktop.core.paths import AppPaths
from kling_desktop.core.probe import probe_media
from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.runner import CANCEL_MESSAGE
from kling_desktop.jobs.states import JobState
from kling_desktop.library.sidecar import sidecar_path
from kling_desktop.services import build_services

T2V = GenerationRequest(
    model="klingai:1@1", prompt="A paper boat on a puddle", width=720, height=720, duration=5
)


def test_job_is_journaled_before_it_runs_and_lands_in_library(kd_home: Path) -> None:
    async def main() -> None:
        s = build_services(AppPaths.default())
        seen = []
        s.runner.subscribe(lambda e: seen.append(e.job.state))
        job = await s.runner.submit(T2V, "local")
        assert s.journal.get(job.id).state is JobState.QUEUED  # committed before anything else
        done = await s.runner.wait(job.id)
        await s.aclose()
        assert done.state is JobState.DONE, done.error
        info = probe_media(done.files[0])
        assert (info.width, info.height) == (720, 720) and info.duration == 5.0
        assert seen[0] is JobState.QUEUED and seen[-1] is JobState.DONE and JobState.DOWNLOADING in seen
        clip = s.library.get(job.id)
        assert clip.is_draft and clip.provider == "local" and clip.prompt == T2V.prompt
        assert sidecar_path(Path(clip.path)).exists()
        assert [h[1] for h in s.journal.history(job.id)][:2] == ["queued", "submitting"]

    asyncio.run(main())


def test_concurrency_limit_queues_instead_of_failing(kd_home: Path) -> None:
    async def main() -> None:
        s = build_services(AppPaths.default())
        req = T2V.model_copy(update={"duration": 5, "width": 720, "height": 720})
        jobs = [await s.runner.submit(req, "local") for _ in range(3)]
        await asyncio.sleep(0.3)
        states = [s.journal.get(j.id).state for j in jobs]
        assert states.count(JobState.QUEUED) >= 2  # one slot for drafts: the others wait
        results = [await s.runner.wait(j.id) for j in jobs]
        await s.aclose()
        assert all(r.state is JobState.DONE for r in results)

    asyncio.run(main())


def test_cancel_says_provider_may_bill_and_retry_keeps_request(kd_home: Path, tmp_path: Path) -> None:
    async def main() -> None:
        s = build_services(AppPaths.default())
        img = make_png(tmp_path / "f.png", 640, 360)
        req = GenerationRequest(model="klingai:5@2", first_frame=str(img), duration=10)
        job = await s.runner.submit(req, "local")
        await asyncio.sleep(0.2)
        cancelled = await s.runner.cancel(job.id)
        assert cancelled.state is JobState.CANCELLED and cancelled.error == CANCEL_MESSAGE
        again = await s.runner.retry(job.id)
        assert again.id != job.id and again.retry_of == job.id and again.request == job.request
        assert again.task_id != job.task_id
        await s.runner.cancel(again.id)
        await s.aclose()

    asyncio.run(main())


def test_failed_job_keeps_request_with_a_sentence(kd_home: Path, tmp_path: Path) -> None:
    async def main() -> None:
        s = build_services(AppPaths.default())
        gone = tmp_path / "gone.png"
        make_png(gone, 640, 360)
        req = GenerationRequest(model="klingai:5@2", first_frame=str(gone))
        gone.unlink()  # the input vanished between validation and the render
        job = await s.runner.wait((await s.runner.submit(req, "local")).id)
        await s.aclose()
        assert job.state is JobState.FAILED
        assert "gone.png" in job.error and job.request == req

    asyncio.run(main())


def test_a_render_leaves_the_default_executor_free(kd_home: Path) -> None:
    """Journal writes and file checks share the loop's small default executor; renders take seconds and have
    threads of their own, so a short call never queues behind one."""

    async def main() -> None:
        from concurrent.futures import ThreadPoolExecutor

        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
        s = build_services(AppPaths.default())
        local = s.providers.get("local")
        job = await s.runner.submit(T2V.model_copy(update={"duration": 10}), "local")
        while not local._renders:
            await asyncio.sleep(0.01)
        (render,) = local._renders.values()
        await asyncio.sleep(0.1)  # the render has its thread
        assert await asyncio.wait_for(asyncio.to_thread(lambda: "free"), 30) == "free"
        rendering = not render.task.done()
        done = await s.runner.wait(job.id)
        await s.aclose()
        assert rendering, "the short call waited until the render ended"
        assert done.state is JobState.DONE, done.error

    asyncio.run(main())
