"""A job as the journal stores it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.states import JobState, check_transition


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Job:
    id: str
    task_id: str  # client-generated: Runware taskUUID / Kling external_task_id
    provider: str
    model: str
    request_json: str
    state: JobState = JobState.QUEUED
    remote_id: str | None = None
    progress: float | None = None
    cost: float | None = None
    error: str = ""
    files: tuple[str, ...] = ()
    created_at: str = field(default_factory=now_iso)
    submitted_at: str | None = None
    finished_at: str | None = None
    retry_of: str | None = None
    parent_id: str | None = None  # a master re-render links to its draft clip
    outputs_json: str = "[]"  # remote outputs (URLs) once known, so a download resumes after a crash

    @property
    def request(self) -> GenerationRequest:
        return GenerationRequest.model_validate_json(self.request_json)

    @property
    def outputs(self) -> list[dict[str, Any]]:
        return list(json.loads(self.outputs_json))

    def moved(self, state: JobState, **changes: Any) -> Job:
        check_transition(self.state, state)
        if state.finished and "finished_at" not in changes:
            changes["finished_at"] = now_iso()
        return replace(self, state=state, **changes)

    def elapsed(self, at: datetime | None = None) -> float:
        start = datetime.fromisoformat(self.created_at)
        end = datetime.fromisoformat(self.finished_at) if self.finished_at else (at or datetime.now(UTC))
        return max(0.0, (end - start).total_seconds())
