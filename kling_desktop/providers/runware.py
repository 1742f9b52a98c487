"""Runware: one REST endpoint taking task arrays; videos run async and are polled with getResponse.

    provider = RunwareProvider(base_url, key=lambda: credentials.get("runware"), client=shared_client,
                               cache_dir=str(paths.cache / "uploads"))
    await provider.submit(ctx)           # uploads inputs (once per content), then videoInference/imageInference
    result = await provider.poll(ctx, None)   # getResponse → PollResult

Every POST goes to ``<base>/v1`` with ``Authorization: Bearer <key>``; the key is read from the callable for
each request and never appears in a log line or an exception. The task id is ``ctx.task_id`` (stored by the
journal before the request leaves), so retries and re-submits after a crash carry the same ``taskUUID``.

What proves that Runware never received a task (only then is it sent again, always with the same taskUUID):

- an explicit refusal of the submit POST itself (an error item for our taskUUID, e.g. a parameter that fails
  validation): Runware answered that request and created nothing — the job fails with Runware's reason;
- ``taskFailedOrNotFound`` to a getResponse *before* any submit was acknowledged (a crash or a lost reply
  while sending): Runware has nothing under that id, and if it does after all (the request is still in
  flight), the resend with the same taskUUID answers ``conflictTaskUUID`` and nothing is billed twice.

Not proof: ``taskFailedOrNotFound`` *after* an acknowledged submit (Runware keeps results only for a while and
answers it for tasks it cannot report on right now; sending again could bill a second time), HTTP 5xx,
timeouts, unreadable replies, account errors. Those leave the task with Runware and the job waiting.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from kling_desktop.catalog.spec import Kind, ModelSpec
from kling_desktop.core.redact import scrub_json
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Secret
from kling_desktop.providers.base import (
    JobContext,
    PollResult,
    ProviderError,
    RemoteOutput,
    RemoteStatus,
    SubmitResult,
)
from kling_desktop.providers.descriptors import BaseUrlSetting, CredentialField, ProviderDescriptor
from kling_desktop.providers.retry import TransportFailed, send_with_retry
from kling_desktop.providers.runware_batch import StatusBatcher
from kling_desktop.providers.runware_errors import error_items, is_account_error, to_provider_error
from kling_desktop.providers.runware_payload import build_task, media_inputs
from kling_desktop.providers.runware_uploads import UploadCache, data_uri, file_digest

KeySource = Callable[[], Secret | None]


class RunwareProvider:
    name = "runware"
    label = "Runware"
    max_concurrency = 4

    def __init__(
        self, base_url: str, key: KeySource, client: httpx.AsyncClient | None, cache_dir: str
    ) -> None:
        """``client``: the app's shared client (not closed here); None: this provider owns one."""
        self.endpoint = base_url.rstrip("/") + "/v1"
        self._key = key
        self._owns_client = client is None
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=10.0))
        self.uploads = UploadCache(Path(cache_dir), base_url, account=self._account_key)
        self._upload_lock = asyncio.Lock()
        self.status_queries = StatusBatcher(self._post)  # many jobs' polls share a request
        self.upload_count = 0  # uploads actually sent by this instance

    def _account_key(self) -> str | None:
        """The current key, for the upload cache to tell accounts apart (it keeps only a one-way hash)."""
        key = self._key()
        return key.reveal() if key else None

    def unsupported_reason(self, spec: ModelSpec) -> str | None:
        return None  # Runware serves every model of the seed specification

    def request_problem(self, request: GenerationRequest, spec: ModelSpec) -> str | None:
        return None  # every validated request can run here

    # ---- transport --------------------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        key = self._key()
        if not key:
            raise ProviderError(
                "No Runware API key is set. Open Settings → Providers and paste your key, or set "
                "RUNWARE_API_KEY.",
                code="missingApiKey",
            )
        return {"Authorization": f"Bearer {key.reveal()}", "Accept": "application/json"}

    async def _post(self, tasks: list[dict[str, Any]]) -> tuple[dict[str, Any], int]:
        try:
            resp = await send_with_retry(
                self.client, "POST", self.endpoint, headers=self._headers(), json=tasks
            )
        except TransportFailed as exc:
            raise ProviderError(
                f"No usable answer from Runware: {exc}",
                code="offline" if exc.offline else "transport",
                retryable=True,
                retry_after=exc.retry_after,
            ) from None
        try:
            key = self._key()  # the server's text may echo it (or an encoding of it): scrubbed before use
            body = scrub_json(resp.json(), [key.reveal() if key else None])
        except ValueError:
            raise ProviderError(
                f"Runware sent a reply that is not JSON (HTTP {resp.status_code}). The app will ask again.",
                code="malformed",
                retryable=True,
            ) from None
        if isinstance(body, list):  # a bare error list (tolerated, as the official SDK does)
            body = {"errors": body}
        if not isinstance(body, dict):
            raise ProviderError(
                "Runware sent an unexpected reply. The app will ask again.", code="malformed", retryable=True
            )
        if resp.status_code >= 400 and not error_items(body):
            raise to_provider_error(
                {"code": f"http{resp.status_code}", "message": f"HTTP {resp.status_code}"}, resp.status_code
            )
        return body, resp.status_code

    # ---- uploads ----------------------------------------------------------------------------------------
    async def _upload(self, path: str, kind: str) -> tuple[str, bool]:
        """The remote id of a local input, uploading it unless the same content was uploaded before.
        Returns (remote id, came from the cache)."""
        digest = await asyncio.to_thread(file_digest, path)
        async with self._upload_lock:
            if cached := await asyncio.to_thread(self.uploads.get, digest):
                return cached, True
            uri = await asyncio.to_thread(data_uri, path)
            task_uuid = str(uuid.uuid4())
            task = (
                {"taskType": "imageUpload", "taskUUID": task_uuid, "image": uri}
                if kind == "image"
                else {"taskType": "mediaStorage", "taskUUID": task_uuid, "operation": "upload", "media": uri}
            )
            body, status = await self._post([task])
            if errs := error_items(body):
                raise to_provider_error(errs[0], status)
            item = _first_item(body, task_uuid)
            remote = item.get("imageUUID") or item.get("mediaUUID")
            if not remote:
                raise ProviderError(
                    "Runware accepted an upload but returned no id. The app will try again.",
                    code="upload",
                    retryable=True,
                )
            self.upload_count += 1
            await asyncio.to_thread(self.uploads.put, digest, str(remote))
            return str(remote), False

    async def _upload_all(self, request: GenerationRequest) -> tuple[dict[str, str], set[str]]:
        uploaded: dict[str, str] = {}
        cached: set[str] = set()
        for path, kind in media_inputs(request):
            if path not in uploaded:
                uploaded[path], from_cache = await self._upload(path, kind)
                if from_cache:
                    cached.add(uploaded[path])
        return uploaded, cached

    # ---- the provider interface -------------------------------------------------------------------------
    async def submit(self, ctx: JobContext) -> SubmitResult:
        uploaded, cached = await self._upload_all(ctx.request)
        try:
            return await self._submit_task(ctx, uploaded, stale_check=bool(cached))
        except _InputsRefused:
            # An input uploaded long ago may be gone at Runware: forget it, upload again, send once more.
            await asyncio.to_thread(self.uploads.forget, cached)
            uploaded, _ = await self._upload_all(ctx.request)
            return await self._submit_task(ctx, uploaded, stale_check=False)

    async def _submit_task(
        self, ctx: JobContext, uploaded: dict[str, str], *, stale_check: bool
    ) -> SubmitResult:
        task = build_task(ctx.request, ctx.spec, ctx.task_id, uploaded)
        body, status = await self._post([task])
        errs = [e for e in error_items(body) if e.get("taskUUID") in (None, ctx.task_id)]
        if errs:
            error = to_provider_error(errs[0], status)
            if error.code == "conflictTaskUUID":  # a retry of a request that did arrive: it is running
                return SubmitResult(remote_id=ctx.task_id)
            param = str(errs[0].get("parameter") or "")
            if (
                stale_check
                and not error.retryable
                and param.startswith(("inputs", "frameImages", "reference"))
            ):
                raise _InputsRefused(error.message, code=error.code)
            raise error
        return SubmitResult(remote_id=ctx.task_id)

    async def poll(self, ctx: JobContext, remote_id: str | None) -> PollResult:
        body, status = await self.status_queries.ask(ctx.task_id)
        errs = [e for e in error_items(body) if e.get("taskUUID") in (None, ctx.task_id)]
        if errs:
            error = to_provider_error(errs[0], status, polling=True)
            if error.never_received and ctx.acknowledged:  # not proof after an acknowledged submit
                raise ProviderError(
                    "Runware does not report on this task right now (taskFailedOrNotFound after it "
                    "accepted it).",
                    code=error.code,
                    retryable=True,
                    answered=True,
                )
            if error.never_received or is_account_error(error):
                raise error  # not a verdict on the task: never received (send it again) or an account problem
            return PollResult(RemoteStatus.FAILED, error=error)
        items = [i for i in _items(body) if i.get("taskUUID") in (None, ctx.task_id)]
        done = _unique([i for i in items if i.get("status") == "success"])
        wanted = ctx.request.number_results if ctx.spec.kind is Kind.IMAGE else 1
        if done and len(done) >= min(wanted, len(items) or 1):
            outputs = tuple(_output(i, ctx.spec) for i in done)
            cost = sum(o.cost or 0.0 for o in outputs) if any(o.cost is not None for o in outputs) else None
            return PollResult(RemoteStatus.SUCCESS, outputs=outputs, cost=cost, progress=1.0)
        progress = next(
            (i.get("progress") for i in items if isinstance(i.get("progress"), int | float)), None
        )
        return PollResult(RemoteStatus.PROCESSING, progress=progress / 100 if progress is not None else None)

    async def aclose(self) -> None:
        await self.status_queries.aclose()
        if self._owns_client:
            await self.client.aclose()


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    return [i for i in items if isinstance(i, dict)]


class _InputsRefused(ProviderError):
    """The service refused an input this client took from its upload cache."""


def _unique(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every poll is cumulative: one item per result, deduplicated by its UUID (or URL)."""
    seen: set[str] = set()
    out = []
    for i in items:
        key = str(
            i.get("videoUUID")
            or i.get("imageUUID")
            or i.get("mediaUUID")
            or i.get("videoURL")
            or i.get("imageURL")
            or id(i)
        )
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def _first_item(body: dict[str, Any], task_uuid: str) -> dict[str, Any]:
    items = _items(body)
    return next((i for i in items if i.get("taskUUID") == task_uuid), items[0] if items else {})


def _output(item: dict[str, Any], spec: ModelSpec) -> RemoteOutput:
    if spec.kind is Kind.IMAGE:
        url = item.get("imageURL") or item.get("mediaURL")
        ext = Path(str(url or "")).suffix.lstrip(".").lower() or "jpg"
        return RemoteOutput(
            url=url,
            kind="image",
            extension=ext if ext in ("png", "jpg", "jpeg", "webp") else "jpg",
            cost=item.get("cost"),
            remote_id=item.get("imageUUID"),
        )
    url = item.get("videoURL") or item.get("mediaURL")
    return RemoteOutput(
        url=url,
        kind="video",
        extension="mp4",
        cost=item.get("cost"),
        remote_id=item.get("videoUUID") or item.get("mediaUUID"),
    )


DESCRIPTOR = ProviderDescriptor(
    name=RunwareProvider.name,
    label=RunwareProvider.label,
    factory=lambda c: RunwareProvider(c.base_url, lambda: c.key("runware"), c.client, c.cache_dir),
    credentials=(CredentialField("runware", "Runware API key", "RUNWARE_API_KEY"),),
    base_url=BaseUrlSetting(
        "runware", "Runware base URL", "https://api.runware.ai", "KLING_DESKTOP_RUNWARE_URL"
    ),
    limits="Needs a Runware API key; every model of the specification is offered.",
)
