"""Runware: one REST endpoint taking task arrays; videos run async and are polled with getResponse."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import mimetypes
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from kling_desktop.catalog.spec import Kind, ModelSpec
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
from kling_desktop.providers.retry import TransportFailed, send_with_retry
from kling_desktop.providers.runware_errors import error_items, to_provider_error
from kling_desktop.providers.runware_payload import build_task, media_inputs

KeySource = Callable[[], Secret | None]


class UploadCache:
    """Content hash → Runware UUID, in a small JSON file: an input is uploaded once per base URL."""

    def __init__(self, folder: Path, base_url: str) -> None:
        self.folder = folder
        self.path = folder / f"runware-{hashlib.sha1(base_url.encode()).hexdigest()[:10]}.json"
        self._entries: dict[str, str] | None = None  # read lazily, on a worker thread (see RunwareProvider)

    def _load(self) -> dict[str, str]:
        if self._entries is None:
            try:
                self._entries = dict(json.loads(self.path.read_text()))
            except (OSError, ValueError):
                self._entries = {}
        return self._entries

    def get(self, digest: str) -> str | None:
        return self._load().get(digest)

    def put(self, digest: str, remote: str) -> None:
        entries = self._load()
        entries[digest] = remote
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(entries))
        os.replace(tmp, self.path)


class RunwareProvider:
    name = "runware"
    label = "Runware"
    max_concurrency = 4

    def __init__(self, base_url: str, key: KeySource, client: httpx.AsyncClient, cache_dir: str) -> None:
        self.endpoint = base_url.rstrip("/") + "/v1"
        self._key = key
        self.client = client
        self.uploads = UploadCache(Path(cache_dir), base_url)
        self._upload_lock = asyncio.Lock()

    def unsupported_reason(self, spec: ModelSpec) -> str | None:
        return None  # Runware serves every model of the seed specification

    def request_problem(self, request: GenerationRequest, spec: ModelSpec) -> str | None:
        return None  # every validated request can run here

    # ---- transport --------------------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        key = self._key()
        if not key:
            raise ProviderError("No Runware API key is set. Open Settings → Providers and paste your key, or set "
                                "RUNWARE_API_KEY.", code="missingApiKey")
        return {"Authorization": f"Bearer {key.reveal()}", "Accept": "application/json"}

    async def _post(self, tasks: list[dict[str, Any]]) -> tuple[dict[str, Any], int]:
        try:
            resp = await send_with_retry(self.client, "POST", self.endpoint, headers=self._headers(), json=tasks)
        except TransportFailed as exc:
            raise ProviderError(f"Runware could not be reached: {exc} The job is saved; it resumes when you retry "
                                "or restart.", code="transport", retryable=True) from None
        try:
            body = resp.json()
        except ValueError:
            raise ProviderError(f"Runware sent a reply that is not JSON (HTTP {resp.status_code}). The app will "
                                "ask again.", code="malformed", retryable=True) from None
        if not isinstance(body, dict):
            raise ProviderError("Runware sent an unexpected reply.", code="malformed", retryable=True)
        if resp.status_code >= 400 and not error_items(body):
            raise to_provider_error({"code": f"http{resp.status_code}", "message": f"HTTP {resp.status_code}"},
                                    resp.status_code)
        return body, resp.status_code

    # ---- uploads ----------------------------------------------------------------------------------------
    async def _upload(self, path: str, kind: str) -> str:
        data = await asyncio.to_thread(Path(path).read_bytes)
        digest = hashlib.sha256(data).hexdigest()
        async with self._upload_lock:
            if cached := await asyncio.to_thread(self.uploads.get, digest):
                return cached
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            uri = f"data:{mime};base64,{base64.b64encode(data).decode()}"
            task_uuid = str(uuid.uuid4())
            task = ({"taskType": "imageUpload", "taskUUID": task_uuid, "image": uri} if kind == "image" else
                    {"taskType": "mediaStorage", "taskUUID": task_uuid, "operation": "upload", "media": uri})
            body, status = await self._post([task])
            if errs := error_items(body):
                raise to_provider_error(errs[0], status)
            item = _first_item(body, task_uuid)
            remote = item.get("imageUUID") or item.get("mediaUUID")
            if not remote:
                raise ProviderError("Runware accepted an upload but returned no id.", code="upload", retryable=True)
            await asyncio.to_thread(self.uploads.put, digest, str(remote))
            return str(remote)

    # ---- the provider interface -------------------------------------------------------------------------
    async def submit(self, ctx: JobContext) -> SubmitResult:
        uploaded = {path: await self._upload(path, kind) for path, kind in media_inputs(ctx.request)}
        task = build_task(ctx.request, ctx.spec, ctx.task_id, uploaded)
        body, status = await self._post([task])
        errs = [e for e in error_items(body) if e.get("taskUUID") in (None, ctx.task_id)]
        if errs:
            error = to_provider_error(errs[0], status)
            if error.code == "conflictTaskUUID":  # a retry of a request that did arrive: it is running
                return SubmitResult(remote_id=ctx.task_id)
            raise error
        return SubmitResult(remote_id=ctx.task_id)

    async def poll(self, ctx: JobContext, remote_id: str | None) -> PollResult:
        body, status = await self._post([{"taskType": "getResponse", "taskUUID": ctx.task_id}])
        errs = [e for e in error_items(body) if e.get("taskUUID") in (None, ctx.task_id)]
        if errs:
            error = to_provider_error(errs[0], status)
            if error.never_received or error.retryable and error.code == "malformed":
                raise error
            return PollResult(RemoteStatus.FAILED, error=error)
        items = [i for i in _items(body) if i.get("taskUUID") in (None, ctx.task_id)]
        done = [i for i in items if i.get("status") == "success"]
        wanted = ctx.request.number_results if ctx.spec.kind is Kind.IMAGE else 1
        if done and len(done) >= min(wanted, len(items) or 1):
            outputs = tuple(_output(i, ctx.spec) for i in done)
            cost = sum(o.cost or 0.0 for o in outputs) if any(o.cost is not None for o in outputs) else None
            return PollResult(RemoteStatus.SUCCESS, outputs=outputs, cost=cost, progress=1.0)
        progress = next((i.get("progress") for i in items if isinstance(i.get("progress"), int | float)), None)
        return PollResult(RemoteStatus.PROCESSING, progress=progress / 100 if progress is not None else None)

    async def aclose(self) -> None:
        return None


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    return [i for i in items if isinstance(i, dict)]


def _first_item(body: dict[str, Any], task_uuid: str) -> dict[str, Any]:
    items = _items(body)
    return next((i for i in items if i.get("taskUUID") == task_uuid), items[0] if items else {})


def _output(item: dict[str, Any], spec: ModelSpec) -> RemoteOutput:
    if spec.kind is Kind.IMAGE:
        url = item.get("imageURL") or item.get("mediaURL")
        ext = Path(str(url or "")).suffix.lstrip(".").lower() or "jpg"
        return RemoteOutput(url=url, kind="image", extension=ext if ext in ("png", "jpg", "jpeg", "webp") else "jpg",
                            cost=item.get("cost"), remote_id=item.get("imageUUID"))
    url = item.get("videoURL") or item.get("mediaURL")
    return RemoteOutput(url=url, kind="video", extension="mp4", cost=item.get("cost"),
                        remote_id=item.get("videoUUID") or item.get("mediaUUID"))
