"""A job as the journal stores it: typed (the request and the remote outputs are parsed once, when read)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.states import JobState, check_transition
from kling_desktop.providers.base import RemoteOutput

FailedBy = Literal["provider", "refused", "here"]
WaitReason = Literal["offline", "no-answer", "refused", "file-host", "stalled"]
_OUTPUT_FIELDS = frozenset(f.name for f in fields(RemoteOutput))


def now_iso(at: datetime | None = None) -> str:
    return (at or datetime.now(UTC)).isoformat(timespec="milliseconds")


def outputs_to_json(outputs: tuple[RemoteOutput, ...]) -> str:
    return json.dumps([asdict(o) for o in outputs])


def outputs_from_json(text: str | None) -> tuple[RemoteOutput, ...]:
    """The stored outputs; keys this release does not know (a newer file) are ignored."""
    items = json.loads(text or "[]")
    return tuple(
        RemoteOutput(**{k: v for k, v in item.items() if k in _OUTPUT_FIELDS})
        for item in items
        if isinstance(item, dict)
    )


@dataclass(frozen=True)
class Job:
    id: str
    task_id: str  # client-generated: Runware taskUUID / Kling external_task_id
    provider: str
    model: str
    request: GenerationRequest
    state: JobState = JobState.QUEUED
    remote_id: str | None = None
    progress: float | None = None
    cost: float | None = None
    error: str = ""
    files: tuple[str, ...] = ()
    created_at: str = field(default_factory=now_iso)
    submitted_at: str | None = None  # set when the provider acknowledged the task (proof it has it)
    finished_at: str | None = None
    retry_of: str | None = None
    parent_id: str | None = None  # a master re-render links to its draft clip
    outputs: tuple[RemoteOutput, ...] = ()  # remote outputs once known, so a download resumes after a crash
    # ---- lifecycle (journal schema step 2) ----
    failed_by: FailedBy | None = None  # who ended a failed job: the provider's verdict, its refusal, or here
    wait_reason: WaitReason | None = None  # why the job is WAITING / STALLED ("refused": see ``error``)
    waiting_since: str | None = None  # last good contact before the current trouble began
    last_contact_at: str | None = None  # the provider (or file host) last gave a usable answer
    last_progress_at: str | None = None  # the task last moved (state or progress changed)
    next_check_at: str | None = None  # when the runner asks again (WAITING / STALLED)
    notice: str = ""  # the plain-language status line for WAITING / STALLED

    @property
    def request_json(self) -> str:
        return self.request.model_dump_json()

    @property
    def outputs_json(self) -> str:
        return outputs_to_json(self.outputs)

    @property
    def accepted(self) -> bool:
        """The provider acknowledged the task: only its verdict (or the user) ends this job."""
        return self.submitted_at is not None

    def moved(self, state: JobState, **changes: Any) -> Job:
        check_transition(self.state, state)
        if state.finished and "finished_at" not in changes:
            changes["finished_at"] = now_iso()
        return replace(self, state=state, **changes)

    def elapsed(self, at: datetime | None = None) -> float:
        start = datetime.fromisoformat(self.created_at)
        end = datetime.fromisoformat(self.finished_at) if self.finished_at else (at or datetime.now(UTC))
        return max(0.0, (end - start).total_seconds())
