"""What the emulator remembers: uploaded media, tasks and their renders, submissions per task id."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import Kind
from kling_desktop.core.request import GenerationRequest
from kling_desktop.render.from_request import plan_for, still_plan_for
from kling_desktop.render.plan import DraftPlan
from kling_desktop.render.renderer import render_draft, render_still


@dataclass
class Task:
    id: str  # Runware taskUUID or Kling task_id
    api: str  # "runware" | "kling"
    request: GenerationRequest
    external_id: str = ""
    created: float = field(default_factory=time.time)
    ready_at: float = 0.0
    fail: bool = False
    future: Future[list[Path]] | None = None
    cost: float = 0.0
    endpoint: str = ""
    include_cost: bool = True  # Runware: results carry ``cost`` only when the task asked (includeCost)
    held: Callable[[], bool] = lambda: False  # the ``never_finish`` fault: processing, no progress

    def progress(self) -> int:
        """0–99 while processing, by elapsed time (the real services report something similar)."""
        if self.held():
            return 10
        span = max(1e-6, self.ready_at - self.created)
        return max(0, min(99, int(100 * (time.time() - self.created) / span)))

    def status(self) -> str:
        if self.held():
            return "processing"
        if self.fail and time.time() >= self.ready_at:
            return "failed"
        if self.future is not None and self.future.done() and time.time() >= self.ready_at:
            return "failed" if self.future.exception() else "success"
        return "processing"


class EmulatorState:
    def __init__(self, root: Path, delay: float = 1.0, max_side: int = 480) -> None:
        self.root = root
        self.media_dir = root / "media"
        self.upload_dir = root / "uploads"
        for d in (self.media_dir, self.upload_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.delay = delay
        self.max_side = max_side  # renders are small: the emulator checks the flow, not the pixels
        self.tasks: dict[str, Task] = {}
        self.by_external: dict[str, str] = {}
        self.submissions: Counter[str] = Counter()  # accepted (billable) tasks per client task id
        self.received: Counter[str] = Counter()  # every submit that arrived, duplicates included
        self.uploads: dict[str, Path] = {}
        self.upload_count = 0
        self.lock = threading.RLock()
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="emulator-render")
        self.base_url = ""
        self.holding: Callable[[], bool] = lambda: False  # set by the server: the never_finish switch

    def store_upload(self, data: bytes, suffix: str) -> str:
        media_id = str(uuid.uuid4())
        path = self.upload_dir / f"{media_id}{suffix}"
        path.write_bytes(data)
        with self.lock:
            self.uploads[media_id] = path
            self.upload_count += 1
        return media_id

    def media_url(self, name: str) -> str:
        return f"{self.base_url}/media/{name}"

    def add_task(self, task: Task, fail: bool) -> Task:
        task.fail = fail
        task.held = self.holding
        task.ready_at = time.time() + self.delay
        with self.lock:
            self.tasks[task.id] = task
            self.submissions[task.external_id or task.id] += 1
            if task.external_id:
                self.by_external[task.external_id] = task.id
        if not fail:
            task.future = self.pool.submit(self._render, task)
        return task

    def find(self, key: str) -> Task | None:
        with self.lock:
            return self.tasks.get(key) or self.tasks.get(self.by_external.get(key, ""))

    def _render(self, task: Task) -> list[Path]:
        spec = get_model(task.request.model)
        if spec.kind is Kind.IMAGE:
            plan = still_plan_for(task.request)
            outs = []
            for n in range(task.request.number_results):
                out = self.media_dir / f"{task.id}-{n}.png"
                render_still(self._small(plan), out)
                outs.append(out)
            return outs
        out = self.media_dir / f"{task.id}.mp4"
        render_draft(self._small(plan_for(task.request)), out)
        return [out]

    def _small(self, plan: DraftPlan) -> DraftPlan:
        scale = min(1.0, self.max_side / max(plan.width, plan.height))
        w, h = max(2, int(plan.width * scale) // 2 * 2), max(2, int(plan.height * scale) // 2 * 2)
        return DraftPlan(
            w, h, plan.fps, plan.segments, plan.model_name, plan.sound, plan.audio_source, plan.metadata
        )

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
