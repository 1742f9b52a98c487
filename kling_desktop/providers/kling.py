"""The official Kling API: JWT auth, one endpoint per workflow, tasks queried by id or by external_task_id.

The journal's task id is sent as ``external_task_id``; after a crash the app queries
``GET <endpoint>/<external_task_id>`` and never submits again what Kling already has.
Code 1303 (the account's concurrency limit) is not a failure: the submit waits for a free slot.

What proves that Kling never received a task (only then is it created again, always with the same
external_task_id, and only after a lookup by that id):

- a create answered 1302/1303 (rate or concurrency limit): Kling refused that request and created nothing;
- a lookup by external_task_id answering 1202/1203 (no such task) while no create was ever acknowledged
  (a crash or a lost reply while sending): nothing exists under that id; and if the create arrives after
  all, a second create with the same external_task_id is refused with 1201 and the task is adopted.

Not proof: 1202/1203/1302/1303 answered to a *query* of an acknowledged task (the task exists; the query
was refused or the lookup is lagging), HTTP 5xx, timeouts, unreadable replies. Those leave the task with
Kling and the job waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from kling_desktop.catalog.spec import ModelSpec
from kling_desktop.core.redact import scrub, scrub_json
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Secret
from kling_desktop.providers import kling_errors
from kling_desktop.providers.base import (
    JobContext,
    PollResult,
    ProviderError,
    RemoteOutput,
    RemoteStatus,
    SubmitResult,
)
from kling_desktop.providers.descriptors import BaseUrlSetting, CredentialField, ProviderDescriptor
from kling_desktop.providers.kling_auth import TokenCache
from kling_desktop.providers.kling_errors import kling_error
from kling_desktop.providers.kling_models import (
    LIPSYNC_PATH,
    VIDEO_BY_URL_ONLY,
    kling_model_for,
    needs_video_url,
    unsupported_reason,
)
from kling_desktop.providers.kling_payload import (
    FaceChoice,
    build_identify_face,
    build_kling_request,
    check_supported,
    endpoint_for,
    file_base64,
    is_url,
    result_kind,
)
from kling_desktop.providers.retry import TransportFailed, send_with_retry

KeySource = Callable[[], Secret | None]
Publish = Callable[[Path], Awaitable[str]]  # a local video -> a public URL Kling can fetch
# Kling answers account errors (1100-1102) with HTTP 429 too, so 429 is judged by its envelope code here.
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})
UNKNOWN_TASK = frozenset({"1202", "1203"})
LIST_PAGES, LIST_PAGE_SIZE = 4, 500  # the newest 2000 tasks of an endpoint are searched for an external id
log = logging.getLogger(__name__)


class KlingProvider:
    name = "kling"
    label = "Kling API"
    max_concurrency = 2

    def __init__(
        self,
        base_url: str,
        access: KeySource,
        secret: KeySource,
        client: httpx.AsyncClient,
        *,
        publish: Publish | None = None,
        concurrency_patience: float = 900.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._access, self._secret = access, secret
        self.client = client
        self.tokens = TokenCache()
        self._publish = publish
        self.concurrency_patience = concurrency_patience  # seconds a submit waits out 1303 before giving up
        self.concurrency_waits = 0  # how often a submit waited for a free slot (shown in tests, benchmarks)
        self._paths: dict[str, str] = {}  # task id -> create path (for queries)
        self._published: dict[str, str] = {}  # local video path -> public URL

    # ---- picker --------------------------------------------------------------------------------------------
    def unsupported_reason(self, spec: ModelSpec) -> str | None:
        if reason := unsupported_reason(spec):
            return reason
        if needs_video_url(spec.air_id) and self._publish is None:
            return VIDEO_BY_URL_ONLY
        return None

    def request_problem(self, request: GenerationRequest, spec: ModelSpec) -> str | None:
        """What this API cannot do with these inputs, said before anything is sent (the form shows it)."""
        try:
            check_supported(request, spec, can_publish_video=self._publish is not None)
        except ProviderError as exc:
            return exc.message
        return None

    # ---- transport -----------------------------------------------------------------------------------------
    def _keys(self) -> tuple[str, str]:
        access, secret = self._access(), self._secret()
        if not access or not secret:
            raise ProviderError(
                "No Kling access key and secret key are set. Open Settings → Providers, or set "
                "KLING_ACCESS_KEY and KLING_SECRET_KEY.",
                code="missingKeys",
            )
        return access.reveal(), secret.reveal()

    def _secrets(self) -> list[str | None]:
        """The keys and the current token (it carries the access key, base64url-encoded)."""
        try:
            keys: tuple[str, ...] = self._keys()
        except ProviderError:
            keys = ()
        return [*keys, getattr(self.tokens, "_token", None)]

    def _scrub(self, text: str) -> str:
        """The server's own words, minus every known secret and its obvious encodings (``core/redact.py``)."""
        return scrub(text, self._secrets())

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        """The envelope's ``data`` when ``code == 0``; else the plain-language ProviderError."""
        for attempt in (1, 2):
            access, secret = self._keys()
            headers = {
                "Authorization": f"Bearer {self.tokens.get(access, secret)}",
                "Content-Type": "application/json",
            }
            try:
                resp = await send_with_retry(
                    self.client,
                    method,
                    self.base_url + path,
                    headers=headers,
                    json=body,
                    retry_statuses=RETRY_STATUSES,
                )
            except TransportFailed as exc:
                raise ProviderError(
                    f"No usable answer from Kling: {exc}",
                    code="offline" if exc.offline else "transport",
                    retryable=True,
                    retry_after=exc.retry_after,
                ) from None
            try:
                envelope = scrub_json(resp.json(), self._secrets())  # a server may echo a key or the token
            except ValueError:
                envelope = None
            code = _code_of(envelope)
            if code is None:
                if resp.status_code == 429 or resp.status_code >= 500:
                    raise kling_error(-1, "", resp.status_code)
                raise ProviderError(
                    f"Kling sent a reply this app cannot read (HTTP {resp.status_code}).",
                    code="malformed",
                    retryable=True,
                )
            assert isinstance(envelope, dict)
            if code == 0:
                return envelope.get("data")
            if code == 1004 and attempt == 1:  # expired: a fresh token, once
                self.tokens.clear()
                continue
            raise kling_error(code, self._scrub(str(envelope.get("message") or "")), resp.status_code)
        raise AssertionError("unreachable")

    async def _post_waiting_for_a_slot(self, path: str, body: dict[str, Any]) -> Any:
        """POST; while Kling says 1303/1302 (no free slot) wait and send the same body again."""
        waited, times = 0.0, 0
        while True:
            try:
                return await self._call("POST", path, body)
            except ProviderError as exc:
                if exc.code not in ("1303", "1302"):
                    raise
                times += 1
                wait = kling_errors.concurrency_wait(times)
                if waited + wait > self.concurrency_patience:
                    exc.retry_after = wait
                    raise
                self.concurrency_waits += 1
                log.info("Kling concurrency limit: waiting %.1f s for a free slot", wait)
                await asyncio.sleep(wait)
                waited += wait

    async def _listed(self, path: str, external_task_id: str) -> dict[str, Any] | None:
        """The task with this external_task_id, found in the list query (``GET <path>?pageNum&pageSize``) and
        filtered here: Kling documents the advanced lip-sync query by ``task_id`` only (kling.md §4.5, §5.2)."""
        for page in range(1, LIST_PAGES + 1):
            items = await self._call("GET", f"{path}?pageNum={page}&pageSize={LIST_PAGE_SIZE}")
            items = items if isinstance(items, list) else []
            for task in items:
                info = task.get("task_info") if isinstance(task, dict) else None
                if isinstance(info, dict) and info.get("external_task_id") == external_task_id:
                    return task
            if len(items) < LIST_PAGE_SIZE:
                break
        return None

    async def _known(self, path: str, external_task_id: str) -> bool:
        """True when Kling already has a task with this external_task_id (on this endpoint)."""
        if path == LIPSYNC_PATH:
            return await self._listed(path, external_task_id) is not None
        try:
            data = await self._call("GET", f"{path}/{quote(external_task_id, safe='')}")
        except ProviderError as exc:
            if exc.code in UNKNOWN_TASK or exc.code in ("1200", "1201"):  # undocumented for an unknown id
                return False
            raise
        return isinstance(data, dict) and bool(data.get("task_status"))

    # ---- media ---------------------------------------------------------------------------------------------
    async def _publish_videos(self, req: GenerationRequest) -> dict[str, str]:
        local = [v for v in (req.input_video, *req.reference_videos) if v and not is_url(v)]
        if local and self._publish is None:
            raise ProviderError(VIDEO_BY_URL_ONLY, code="unsupported")
        for path in local:
            if path not in self._published:
                assert self._publish is not None
                self._published[path] = await self._publish(Path(path))
        return {p: self._published[p] for p in local}

    async def _identify_face(self, req: GenerationRequest, urls: dict[str, str]) -> FaceChoice:
        assert req.input_video and req.input_audio
        from kling_desktop.core.probe import probe_media

        video = urls.get(req.input_video, req.input_video)
        path, body = build_identify_face(video)
        data = await self._call("POST", path, body) or {}
        faces = data.get("face_data") or []
        if not data.get("session_id") or not faces:
            raise ProviderError(
                "Kling found no face in the input video; lip-sync needs a face that is clearly visible.",
                code="noFace",
            )
        face = faces[0]
        start, end = int(face.get("start_time") or 0), int(face.get("end_time") or 0)
        seconds = (
            0.0
            if is_url(req.input_audio)
            else (await asyncio.to_thread(probe_media, req.input_audio)).duration
        )
        audio_ms = int((seconds or 0) * 1000) or (end - start)
        if end > start:
            audio_ms = min(audio_ms, end - start)
        return FaceChoice(str(data["session_id"]), str(face.get("face_id", "0")), audio_ms, start)

    # ---- the Provider protocol -----------------------------------------------------------------------------
    async def submit(self, ctx: JobContext) -> SubmitResult:
        req, spec = ctx.request, ctx.spec
        check_supported(req, spec, can_publish_video=self._publish is not None)
        path = endpoint_for(req, spec)
        self._paths[ctx.task_id] = path
        km = kling_model_for(spec.air_id)
        lipsync = km is not None and km.family == "lipsync"
        if lipsync and await self._known(path, ctx.task_id):  # do not pay for identify-face twice
            return SubmitResult(remote_id=None)
        urls = await self._publish_videos(req)
        face = await self._identify_face(req, urls) if lipsync else None
        _, body = await asyncio.to_thread(
            build_kling_request, req, spec, ctx.task_id, file_base64, urls.__getitem__ if urls else None, face
        )
        try:
            data = await self._post_waiting_for_a_slot(path, body) or {}
        except ProviderError as exc:
            if exc.code == "1201" and await self._known(path, ctx.task_id):
                return SubmitResult(remote_id=None)  # duplicate external_task_id: query it by that id
            raise
        return SubmitResult(remote_id=str(data.get("task_id") or "") or None)

    async def poll(self, ctx: JobContext, remote_id: str | None) -> PollResult:
        path = self._paths.get(ctx.task_id) or endpoint_for(ctx.request, ctx.spec)  # after a restart
        key = remote_id or ctx.task_id  # before the server id is known, query by external_task_id
        try:
            if remote_id is None and path == LIPSYNC_PATH:  # queried by task_id only: look in the list
                data = await self._listed(path, ctx.task_id)
                if data is None:
                    raise kling_error(1203, "")
            else:
                data = await self._call("GET", f"{path}/{quote(key, safe='')}") or {}
        except ProviderError as exc:
            if exc.code in UNKNOWN_TASK and not ctx.acknowledged:
                raise ProviderError(
                    "Kling has no task with this id: it never arrived, so it is sent again (same id).",
                    code=exc.code,
                    never_received=True,
                ) from None
            if exc.code in UNKNOWN_TASK or exc.code in ("1302", "1303"):  # a query refused: no verdict
                raise ProviderError(
                    f"Kling does not report on this task right now (code {exc.code} to a status query).",
                    code=exc.code,
                    retryable=True,
                    retry_after=exc.retry_after,
                ) from None
            raise
        if not isinstance(data, dict):
            raise ProviderError("Kling sent a task this app cannot read.", code="malformed", retryable=True)
        return parse_task(data, result_kind(ctx.spec), self._scrub)

    async def aclose(self) -> None:
        return None


def _code_of(envelope: Any) -> int | None:
    """The envelope's ``code`` as an int, or None when the reply is not a Kling envelope."""
    if not isinstance(envelope, dict):
        return None
    try:
        return int(envelope["code"])
    except (KeyError, TypeError, ValueError):
        return None


def parse_task(data: dict[str, Any], kind: str, scrub: Callable[[str], str] = str) -> PollResult:
    """A task object (§5.1) as a PollResult: submitted → PENDING, processing, succeed, failed."""
    status = data.get("task_status")
    if status == "succeed":
        result = data.get("task_result") or {}
        items = (
            (result.get("images") or result.get("series_images") or [])
            if kind == "image"
            else (result.get("videos") or [])
        )
        outputs = []
        for n, item in enumerate(items):
            url = str(item.get("url") or "")
            ext = (
                "mp4"
                if kind == "video"
                else (
                    url.rsplit(".", 1)[-1].lower()
                    if url.lower().endswith((".png", ".jpg", ".jpeg", ".webp"))
                    else "png"
                )
            )
            outputs.append(
                RemoteOutput(
                    url=url, kind=kind, extension=ext, remote_id=str(item.get("id") or item.get("index", n))
                )
            )
        return PollResult(RemoteStatus.SUCCESS, outputs=tuple(outputs), progress=1.0)
    if status == "failed":
        reason = scrub(str(data.get("task_status_msg") or "no reason given"))
        return PollResult(
            RemoteStatus.FAILED,
            error=ProviderError(
                f"Kling could not make this {kind}: {reason}. The request is kept; change it or press Retry.",
                code="failed",
            ),
        )
    return PollResult(RemoteStatus.PROCESSING if status == "processing" else RemoteStatus.PENDING)


DESCRIPTOR = ProviderDescriptor(
    name=KlingProvider.name,
    label=KlingProvider.label,
    factory=lambda c: KlingProvider(
        c.base_url, lambda: c.key("kling_access"), lambda: c.key("kling_secret"), c.client
    ),
    credentials=(
        CredentialField("kling_access", "Kling access key", "KLING_ACCESS_KEY"),
        CredentialField("kling_secret", "Kling secret key", "KLING_SECRET_KEY"),
    ),
    base_url=BaseUrlSetting(
        "kling", "Kling base URL", "https://api-singapore.klingai.com", "KLING_DESKTOP_KLING_URL"
    ),
    limits="Needs a Kling access key and secret key; models and inputs the official API does not take "
    "are marked unavailable in the picker.",
)
