"""The official Kling API: JWT auth, one endpoint per workflow, tasks queried by id or by external_task_id."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from kling_desktop.catalog.spec import Kind, ModelSpec
from kling_desktop.core.secrets import Secret
from kling_desktop.providers.base import (
    JobContext,
    PollResult,
    ProviderError,
    RemoteOutput,
    RemoteStatus,
    SubmitResult,
)
from kling_desktop.providers.kling_auth import TokenCache
from kling_desktop.providers.kling_errors import kling_error
from kling_desktop.providers.kling_models import unsupported_reason
from kling_desktop.providers.kling_payload import build_kling_request
from kling_desktop.providers.retry import TransportFailed, send_with_retry

KeySource = Callable[[], Secret | None]


def _b64(path: str) -> str:
    return base64.b64encode(Path(path).read_bytes()).decode()


class KlingProvider:
    name = "kling"
    label = "Kling API"
    max_concurrency = 2

    def __init__(self, base_url: str, access: KeySource, secret: KeySource, client: httpx.AsyncClient) -> None:
        self.base_url = base_url.rstrip("/")
        self._access, self._secret = access, secret
        self.client = client
        self.tokens = TokenCache()
        self._paths: dict[str, str] = {}  # task id -> create path (for queries)

    def unsupported_reason(self, spec: ModelSpec) -> str | None:
        return unsupported_reason(spec)

    def _headers(self) -> dict[str, str]:
        access, secret = self._access(), self._secret()
        if not access or not secret:
            raise ProviderError("No Kling access key and secret key are set. Open Settings → Providers, or set "
                                "KLING_ACCESS_KEY and KLING_SECRET_KEY.", code="missingKeys")
        return {"Authorization": f"Bearer {self.tokens.get(access.reveal(), secret.reveal())}",
                "Content-Type": "application/json"}

    async def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        try:
            resp = await send_with_retry(self.client, method, self.base_url + path, headers=self._headers(), json=body)
        except TransportFailed as exc:
            raise ProviderError(f"Kling could not be reached: {exc} The job is saved; it resumes later.",
                                code="transport", retryable=True) from None
        try:
            envelope = resp.json()
        except ValueError:
            raise ProviderError(f"Kling sent a reply that is not JSON (HTTP {resp.status_code}).", code="malformed",
                                retryable=True) from None
        code = int(envelope.get("code", -1)) if isinstance(envelope, dict) else -1
        if code != 0:
            if code == 1004:
                self.tokens.clear()
            raise kling_error(code, str(envelope.get("message", "")) if isinstance(envelope, dict) else "",
                              resp.status_code)
        data = envelope.get("data")
        return data if isinstance(data, dict) else {}

    async def submit(self, ctx: JobContext) -> SubmitResult:
        path, body = await asyncio.to_thread(build_kling_request, ctx.request, ctx.spec, ctx.task_id, _b64)
        self._paths[ctx.task_id] = path
        try:
            data = await self._call("POST", path, body)
        except ProviderError as exc:
            if exc.code == "1201" and "external_task_id" in exc.message and "exists" in exc.message:
                return SubmitResult(remote_id=None)  # an earlier try arrived: query it by external_task_id
            raise
        return SubmitResult(remote_id=str(data.get("task_id") or "") or None)

    async def poll(self, ctx: JobContext, remote_id: str | None) -> PollResult:
        if ctx.task_id not in self._paths:  # after a restart: the path follows from the request again (no upload)
            built = await asyncio.to_thread(build_kling_request, ctx.request, ctx.spec, ctx.task_id, lambda p: "")
            self._paths[ctx.task_id] = built[0]
        path = self._paths[ctx.task_id]
        key = remote_id or ctx.task_id  # before the server id is known, query by external_task_id
        data = await self._call("GET", f"{path}/{key}")
        status = data.get("task_status")
        if status == "succeed":
            result = data.get("task_result") or {}
            kind = "image" if ctx.spec.kind is Kind.IMAGE else "video"
            items = result.get("images" if kind == "image" else "videos") or []
            outputs = tuple(RemoteOutput(url=i.get("url"), kind=kind, extension="png" if kind == "image" else "mp4",
                                         remote_id=str(i.get("id", i.get("index", "")))) for i in items)
            return PollResult(RemoteStatus.SUCCESS, outputs=outputs, progress=1.0)
        if status == "failed":
            reason = data.get("task_status_msg") or "no reason given"
            return PollResult(RemoteStatus.FAILED, error=ProviderError(f"Kling could not make this video: {reason}.",
                                                                      code="failed"))
        return PollResult(RemoteStatus.PROCESSING if status == "processing" else RemoteStatus.PENDING)

    async def aclose(self) -> None:
        return None
