"""The official Kling API half of the emulator: JWT auth, create endpoints, task queries (docs/protocols/kling.md).

Every answer is the envelope ``{code, message, request_id, data}`` (``data`` absent on errors) with the HTTP
status of the official error table. Tasks go ``submitted → processing → succeed | failed``; results are
rendered by the shared renderer (``EmulatorState``) and served from ``/media/``.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import jwt

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.pricing import estimate_cost
from kling_desktop.catalog.spec import Kind
from kling_desktop.core.probe import MediaError, probe_media
from kling_desktop.providers.kling_models import LIPSYNC_PATH
from kling_emulator.kling_wire import FAMILIES, KlingError, Media, to_request
from kling_emulator.spec_check import refusals, seconds_of
from kling_emulator.state import Task

if TYPE_CHECKING:
    from kling_emulator.server import EmulatorServer, Request, Response

HTTP = {
    1000: 401,
    1001: 401,
    1002: 401,
    1003: 401,
    1004: 401,
    1100: 429,
    1101: 429,
    1102: 429,
    1103: 403,
    1200: 400,
    1201: 400,
    1202: 404,
    1203: 404,
    1300: 400,
    1301: 400,
    1302: 429,
    1303: 429,
    1304: 429,
    5000: 500,
    5001: 503,
    5002: 504,
}
SUBMITTED_FOR = 0.1  # seconds a new task reports "submitted" before "processing"
LEEWAY = 2  # seconds of clock skew allowed on exp/nbf
IDENTIFY_FACE = "/v1/videos/identify-face"


def register_routes(server: EmulatorServer) -> None:
    routes = KlingRoutes(server)
    for path in FAMILIES:
        server.add_route("POST", path, routes.create)
        server.add_route("GET", path + "/", routes.query)
        server.add_route("GET", path, routes.listing)
    server.add_route("POST", IDENTIFY_FACE, routes.identify_face)


def envelope(code: int, message: str, data: Any = None) -> Response:
    from kling_emulator.server import Response

    body: dict[str, Any] = {"code": code, "message": message, "request_id": str(uuid.uuid4())}
    if data is not None:
        body["data"] = data
    return Response(HTTP.get(code, 200 if code == 0 else 400), body)


def body_of(req: Request) -> dict[str, Any]:
    try:
        body = req.json()
    except ValueError:
        raise KlingError(1200, "the request body is not JSON") from None
    if not isinstance(body, dict):
        raise KlingError(1200, "the request body must be a JSON object")
    return body


class KlingRoutes:
    """One handler per endpoint, sharing the emulator's state, its media store and identify-face sessions."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.state = server.state
        self.media = Media(server.state)
        self.sessions: dict[
            str, tuple[str, int]
        ] = {}  # identify-face session_id -> (local video, duration ms)

    def check_auth(self, req: Request) -> None:
        header = req.headers.get("authorization", "")
        if not header.strip():
            raise KlingError(1001, "Authorization is empty")
        if self.server.faults.badkey or not header.startswith("Bearer "):
            raise KlingError(1002, "Authorization is invalid")
        try:
            claims = jwt.decode(
                header[len("Bearer ") :],
                self.server.kling_secret,
                algorithms=["HS256"],
                leeway=LEEWAY,
                options={"require": ["iss", "exp"]},
            )
        except jwt.ExpiredSignatureError:
            raise KlingError(1004, "Authorization has expired") from None
        except jwt.ImmatureSignatureError:
            raise KlingError(1003, "Authorization is not yet valid") from None
        except jwt.InvalidTokenError:
            raise KlingError(1002, "Authorization is invalid") from None
        if claims.get("iss") != self.server.kling_access:
            raise KlingError(1002, "Authorization is invalid")

    def task_json(self, t: Task) -> dict[str, Any]:
        status = {"processing": "processing", "success": "succeed", "failed": "failed"}[t.status()]
        if status == "processing" and time.time() - t.created < SUBMITTED_FOR:
            status = "submitted"
        data: dict[str, Any] = {
            "task_id": t.id,
            "task_status": status,
            "task_status_msg": "",
            "task_info": {"external_task_id": t.external_id} if t.external_id else {},
            "created_at": int(t.created * 1000),
            "updated_at": int(time.time() * 1000),
        }
        if status == "failed":
            data["task_status_msg"] = (
                "The emulator failed this task on purpose (fault 'fail')."
                if t.fail
                else "Rendering failed in the emulator."
            )
            data["task_result"] = {}
        if status == "succeed" and t.future is not None:
            data["task_result"] = self._result(t, t.future.result())
            data["final_unit_deduction"] = f"{t.cost:.3f}"
        return data

    def _result(self, t: Task, files: list[Path]) -> dict[str, Any]:
        if get_model(t.request.model).kind is Kind.IMAGE:
            return {
                "images": [{"index": i, "url": self.state.media_url(p.name)} for i, p in enumerate(files)]
            }
        videos = []
        for p in files:
            try:
                seconds = probe_media(p).duration or 0.0
            except MediaError:
                seconds = 0.0
            videos.append({"id": p.stem, "url": self.state.media_url(p.name), "duration": f"{seconds:.3f}"})
        return {"videos": videos}

    def create(self, req: Request) -> Response:
        family = FAMILIES[req.path]
        state, faults = self.state, self.server.faults
        try:
            self.check_auth(req)
            body = body_of(req)
            external = str(body.get("external_task_id") or "")
            with state.lock:
                state.received[external or f"anonymous-{uuid.uuid4()}"] += 1
            if external and (old := state.find(external)) is not None and old.api == "kling":
                raise KlingError(1201, f"external_task_id {external} already exists")
            if faults.take("1303"):
                raise KlingError(1303, "parallel task over resource pack limit")
            request = to_request(family, req.path, body, self.media, self.sessions)
            if problems := refusals(request):
                raise KlingError(1201, problems[0].message)
        except KlingError as exc:
            return envelope(exc.code, str(exc))
        seconds = seconds_of(request) or 5
        price = get_model(request.model).price
        task = Task(
            str(uuid.uuid4().int)[:18],
            "kling",
            request,
            external_id=external,
            endpoint=req.path,
            cost=estimate_cost(price, seconds=seconds, sound=bool(request.sound)) or 0.0,
        )
        state.add_task(task, fail=faults.take("fail"))
        if faults.take("drop_reply"):
            raise ConnectionAbortedError  # accepted, but the answer never reaches the client
        return envelope(
            0,
            "SUCCEED",
            {
                "task_id": task.id,
                "task_info": {"external_task_id": external},
                "task_status": "submitted",
                "created_at": int(task.created * 1000),
                "updated_at": int(task.created * 1000),
            },
        )

    def identify_face(self, req: Request) -> Response:
        try:
            self.check_auth(req)
            body = body_of(req)
            if bool(body.get("video_id")) == bool(body.get("video_url")):
                raise KlingError(1201, "give exactly one of video_id / video_url")
            if body.get("video_id"):
                raise KlingError(1201, "video_id is not known to the emulator; send video_url")
            video = str(self.media.local(body["video_url"], ".mp4", "video_url", url_only=True))
            try:
                info = probe_media(video)
            except MediaError as exc:
                raise KlingError(1201, f"the video cannot be read: {exc}") from None
            if not info.has_video or not 2 <= (info.duration or 0) <= 60:
                raise KlingError(1201, "the video must be 2-60 s long")
        except KlingError as exc:
            return envelope(exc.code, str(exc))
        session_id, ms = str(uuid.uuid4().int)[:18], int((info.duration or 0) * 1000)
        self.sessions[session_id] = (video, ms)
        return envelope(
            0,
            "SUCCEED",
            {
                "session_id": session_id,
                "final_unit_deduction": "0",
                "face_data": [
                    {"face_id": "0", "face_image": body["video_url"], "start_time": 0, "end_time": ms}
                ],
            },
        )

    def query(self, req: Request) -> Response:
        try:
            self.check_auth(req)
        except KlingError as exc:
            return envelope(exc.code, str(exc))
        endpoint, _, key = req.path.rpartition("/")
        t = self.state.find(key)
        if t is None or t.api != "kling" or t.endpoint != endpoint:
            return envelope(1203, "The requested resource does not exist")
        if (
            endpoint == LIPSYNC_PATH and key != t.id
        ):  # documented by task_id only (list to find an external id)
            return envelope(1203, "The requested resource does not exist")
        return envelope(0, "SUCCEED", self.task_json(t))

    def listing(self, req: Request) -> Response:
        try:
            self.check_auth(req)
            args = {k: v[-1] for k, v in parse_qs(req.query).items()}
            page, size = int(args.get("pageNum", 1)), int(args.get("pageSize", 30))
            if not (1 <= page <= 1000 and 1 <= size <= 500):
                raise KlingError(1201, "pageNum must be 1-1000 and pageSize 1-500")
        except ValueError:
            return envelope(1201, "pageNum and pageSize must be integers")
        except KlingError as exc:
            return envelope(exc.code, str(exc))
        with self.state.lock:
            tasks = [t for t in self.state.tasks.values() if t.api == "kling" and t.endpoint == req.path]
        if ext := args.get("external_task_id"):
            tasks = [t for t in tasks if t.external_id == ext]
        tasks.sort(key=lambda t: -t.created)
        return envelope(0, "SUCCEED", [self.task_json(t) for t in tasks[(page - 1) * size : page * size]])
