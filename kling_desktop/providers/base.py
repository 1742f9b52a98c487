"""The one small async interface every backend implements (local draft, Runware, Kling).

The job journal (``jobs/``) drives a provider: ``submit`` once (with the task id the journal stored
before the request left), then ``poll`` until the remote side is done, then the journal downloads
each ``RemoteOutput`` itself (HTTP Range resume, verification) or moves a local file into place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from kling_desktop.catalog.spec import ModelSpec
from kling_desktop.core.request import GenerationRequest


class RemoteStatus(StrEnum):
    PENDING = "pending"  # accepted, not started
    PROCESSING = "processing"
    SUCCESS = "success"
    FAILED = "failed"
    NOT_FOUND = "not-found"  # the provider proves it never received the task


@dataclass(frozen=True)
class JobContext:
    job_id: str
    task_id: str  # client-generated (Runware taskUUID / Kling external_task_id), stored before submit
    request: GenerationRequest
    spec: ModelSpec
    workdir: Path  # scratch folder of this job (local renders, upload cache keys)
    acknowledged: bool = False  # the provider acknowledged this task id before: "unknown" is then no proof


@dataclass(frozen=True)
class RemoteOutput:
    url: str | None = None  # to download
    path: str | None = None  # already on this machine (local provider)
    kind: str = "video"  # "video" | "image"
    extension: str = "mp4"
    cost: float | None = None
    remote_id: str | None = None  # videoUUID / imageUUID / Kling id


@dataclass(frozen=True)
class PollResult:
    status: RemoteStatus
    outputs: tuple[RemoteOutput, ...] = ()
    progress: float | None = None  # 0..1 when known
    cost: float | None = None
    error: ProviderError | None = None
    retry_after: float | None = None  # provider asked us to wait (e.g. Kling 1303 concurrency)


class ProviderError(Exception):
    """A failure told in plain language. ``message`` is for the artist; never contains a secret."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        retryable: bool = False,
        may_have_billed: bool = False,
        retry_after: float | None = None,
        never_received: bool = False,
        answered: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable
        self.may_have_billed = may_have_billed
        self.retry_after = retry_after
        self.never_received = never_received
        # The provider did answer, but said nothing about the task's progress (e.g. Runware's
        # taskFailedOrNotFound after it accepted the task). Not a verdict; it counts toward the stall rule.
        self.answered = answered


@dataclass(frozen=True)
class SubmitResult:
    remote_id: str | None = None  # server-side id when it differs from the task id (Kling task_id)
    cost: float | None = None
    extra: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class Provider(Protocol):
    name: str  # "local" | "runware" | "kling"
    label: str  # "Draft (this computer)", "Runware", "Kling API"
    max_concurrency: int

    def unsupported_reason(self, spec: ModelSpec) -> str | None:
        """None when this provider can run the model, else a sentence saying why not."""

    def request_problem(self, request: GenerationRequest, spec: ModelSpec) -> str | None:
        """None when this provider can run this (valid) request, else a sentence saying why not."""

    async def submit(self, ctx: JobContext) -> SubmitResult:
        """Send the task. Must be idempotent for the same ``ctx.task_id``."""

    async def poll(self, ctx: JobContext, remote_id: str | None) -> PollResult:
        """Ask for the task's state. Raises ProviderError(never_received=True) only on the provider's proof
        that it never received the task (each provider writes down what counts as proof, and why);
        ``retryable=True`` for anything that says nothing about the task (outage, unreadable reply)."""

    async def aclose(self) -> None: ...
