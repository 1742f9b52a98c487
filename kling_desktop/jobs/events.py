"""What the job driver tells and needs: the event its listeners get, where results go, where providers come from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kling_desktop.jobs.model import Job
from kling_desktop.providers.base import Provider


@dataclass(frozen=True)
class JobEvent:
    job: Job
    message: str = ""


class ResultSink(Protocol):
    def add_job_result(self, job: Job) -> object: ...


class ProviderSource(Protocol):
    def get(self, name: str) -> Provider: ...
