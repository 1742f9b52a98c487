"""The embedded default provider: renders a labelled draft animatic on this computer. No account, no network."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kling_desktop.catalog.spec import Kind, ModelSpec
from kling_desktop.core.priority import background_executor
from kling_desktop.core.request import GenerationRequest
from kling_desktop.providers.base import (
    JobContext,
    PollResult,
    ProviderError,
    RemoteOutput,
    RemoteStatus,
    SubmitResult,
)
from kling_desktop.providers.descriptors import ProviderDescriptor


@dataclass
class _Render:
    task: asyncio.Task[Path]
    cancel: threading.Event
    progress: float = 0.0
    outputs: list[Path] = field(default_factory=list)


def _consume(task: asyncio.Task[Path]) -> None:
    """A render cancelled or failed after its job stopped listening must not log 'never retrieved'."""
    if not task.cancelled():
        task.exception()


class LocalDraftProvider:
    name = "local"
    label = "Draft (this computer)"
    max_concurrency = 1  # two cores: one render at a time keeps the window smooth
    RENDER_THREADS = 4  # renders at once when the settings allow more; later ones wait their turn

    def __init__(self) -> None:
        self._renders: dict[str, _Render] = {}
        # Renders take seconds: on threads of their own, so the journal writes and file checks that share the
        # event loop's default executor never queue behind one.
        self._pool: ThreadPoolExecutor | None = None

    def _threads(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = background_executor(self.RENDER_THREADS, "draft")
        return self._pool

    def unsupported_reason(self, spec: ModelSpec) -> str | None:
        return None  # every model has a draft

    def request_problem(self, request: GenerationRequest, spec: ModelSpec) -> str | None:
        return None  # every validated request can run here

    async def submit(self, ctx: JobContext) -> SubmitResult:
        if ctx.task_id in self._renders:
            return SubmitResult(remote_id=ctx.task_id)
        ctx.workdir.mkdir(parents=True, exist_ok=True)
        cancel = threading.Event()
        render = _Render(task=None, cancel=cancel)  # type: ignore[arg-type]

        def progress(p: float) -> None:
            render.progress = p

        def work() -> Path:
            # The renderer (PyAV, FFmpeg's libraries) loads with the first draft, on this worker thread.
            from kling_desktop.render.from_request import plan_for, still_plan_for
            from kling_desktop.render.renderer import render_draft, render_still

            if ctx.spec.kind is Kind.IMAGE:
                out = ctx.workdir / f"{ctx.task_id}.png"
                return render_still(still_plan_for(ctx.request), out)
            out = ctx.workdir / f"{ctx.task_id}.mp4"
            return render_draft(plan_for(ctx.request), out, progress, cancel).path

        render.task = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(self._threads(), work))
        render.task.add_done_callback(_consume)
        self._renders[ctx.task_id] = render
        return SubmitResult(remote_id=ctx.task_id, cost=0.0)

    async def poll(self, ctx: JobContext, remote_id: str | None) -> PollResult:
        render = self._renders.get(ctx.task_id)
        if render is None:  # this process never rendered it (e.g. after a restart): safe to render again
            raise ProviderError("The draft was not rendered yet.", never_received=True)
        if not render.task.done():
            return PollResult(RemoteStatus.PROCESSING, progress=render.progress)
        self._renders.pop(ctx.task_id, None)
        exc = render.task.exception()
        from kling_desktop.render.renderer import RenderCancelled  # loaded by the render that just ended

        if isinstance(exc, RenderCancelled):
            return PollResult(RemoteStatus.FAILED, error=ProviderError("The draft render was cancelled."))
        if exc is not None:
            return PollResult(
                RemoteStatus.FAILED,
                error=ProviderError(f"The draft could not be rendered: {exc}", code=type(exc).__name__),
            )
        path = render.task.result()
        kind = "image" if ctx.spec.kind is Kind.IMAGE else "video"
        return PollResult(
            RemoteStatus.SUCCESS,
            cost=0.0,
            progress=1.0,
            outputs=(RemoteOutput(path=str(path), kind=kind, extension=path.suffix[1:], cost=0.0),),
        )

    def cancel(self, task_id: str) -> None:
        render = self._renders.get(task_id)
        if render:
            render.cancel.set()

    async def aclose(self) -> None:
        for render in self._renders.values():
            render.cancel.set()
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


DESCRIPTOR = ProviderDescriptor(
    name=LocalDraftProvider.name,
    label=LocalDraftProvider.label,
    factory=lambda _context: LocalDraftProvider(),
    limits="Renders a labelled draft animatic on this computer, not the model's real output.",
    is_draft=True,
)
