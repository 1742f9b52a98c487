"""The official Kling API half of the emulator: JWT auth, create endpoints, task queries (protocols/kling.md)."""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from math import gcd
from typing import TYPE_CHECKING, Any

import jwt

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.pricing import estimate_cost
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.core.validation import problems_for, resolve
from kling_desktop.emulator.state import Task
from kling_desktop.providers.kling_models import air_id_for

if TYPE_CHECKING:
    from kling_desktop.emulator.server import EmulatorServer, Request, Response

FAMILIES = {"/v1/videos/text2video": "video", "/v1/videos/image2video": "video", "/v1/videos/omni-video": "omni",
            "/v1/videos/avatar/image2video": "avatar", "/v1/images/generations": "image",
            "/v1/images/omni-image": "omni-image"}
HTTP = {1001: 401, 1002: 401, 1003: 401, 1004: 401, 1201: 400, 1203: 404, 1303: 429}


class KlingError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _size_for(model: str, aspect: str | None, resolution: str | None = None) -> tuple[int | None, int | None]:
    if not aspect:
        return None, None
    for d in get_model(model).dimensions:
        g = gcd(d.width, d.height)
        if f"{d.width // g}:{d.height // g}" == aspect and (not resolution or d.tier.lower() in ("", resolution)):
            return d.width, d.height
    raise KlingError(1201, f"aspect_ratio {aspect!r} is not available for this model")


def register_routes(server: EmulatorServer) -> None:
    from kling_desktop.emulator.server import Response

    state = server.state

    def envelope(code: int, message: str, data: Any = None) -> Response:
        body: dict[str, Any] = {"code": code, "message": message, "request_id": str(uuid.uuid4())}
        if data is not None:
            body["data"] = data
        return Response(HTTP.get(code, 200 if code == 0 else 400), body)

    def check_auth(req: Request) -> None:
        header = req.headers.get("authorization", "")
        if not header:
            raise KlingError(1001, "Authorization is empty")
        token = header.removeprefix("Bearer ")
        if server.faults.badkey or token == header:
            raise KlingError(1002, "Authorization is invalid")
        try:
            claims = jwt.decode(token, server.kling_secret, algorithms=["HS256"], options={"require": ["iss", "exp"]})
        except jwt.ExpiredSignatureError:
            raise KlingError(1004, "Authorization has expired") from None
        except jwt.ImmatureSignatureError:
            raise KlingError(1003, "Authorization is not yet valid") from None
        except jwt.InvalidTokenError:
            raise KlingError(1002, "Authorization is invalid") from None
        if claims.get("iss") != server.kling_access:
            raise KlingError(1002, "Authorization is invalid")

    def media(value: str | None, suffix: str) -> str | None:
        if not value:
            return None
        try:
            return str(state.uploads[state.store_upload(base64.b64decode(value, validate=True), suffix)])
        except binascii.Error:
            raise KlingError(1201, "images and audio must be raw base64 without a data: prefix") from None

    def to_request(family: str, b: dict[str, Any]) -> GenerationRequest:
        air = air_id_for(family, b.get("model_name"), b.get("mode"))
        if air is None:
            raise KlingError(1203, f"model {b.get('model_name')!r} / mode {b.get('mode')!r} does not exist")
        spec = get_model(air)
        shots = tuple(Shot(prompt=s.get("prompt", ""), duration=float(s.get("duration", 0)))
                      for s in b.get("multi_prompt") or []) if b.get("multi_shot") in (True, "true") else ()
        images = b.get("image_list") or []
        first = next((i["image_url"] for i in images if i.get("type") == "first_frame"), b.get("image"))
        last = next((i["image_url"] for i in images if i.get("type") == "end_frame"), b.get("image_tail"))
        refs = [i.get("image_url") or i.get("image") for i in images if not i.get("type")]
        settings = {"shotType": b["shot_type"]} if shots and b.get("shot_type") and spec.setting("shotType") else {}
        if family in ("image", "omni-image"):
            width, height = _size_for(air, b.get("aspect_ratio"), b.get("resolution"))
            refs = refs + ([b["image"]] if b.get("image") else [])
            return GenerationRequest(model=air, prompt=b.get("prompt", ""), width=width, height=height,
                                     resolution=None if width else b.get("resolution"),
                                     reference_images=tuple(p for p in (media(r, ".png") for r in refs) if p),
                                     number_results=int(b.get("n", 1)))
        width, height = _size_for(air, b.get("aspect_ratio"))
        return GenerationRequest(
            model=air, prompt="" if shots else b.get("prompt", ""), negative_prompt=b.get("negative_prompt", ""),
            first_frame=media(first, ".png") if family != "avatar" else None,
            last_frame=media(last, ".png"), shots=shots,
            duration=None if shots or family == "avatar" or not b.get("duration") else float(b["duration"]),
            width=width, height=height, cfg_scale=b.get("cfg_scale"),
            sound=None if "sound" not in b else b["sound"] == "on",
            reference_images=tuple(p for p in (media(r, ".png") for r in refs) if p),
            input_image=media(b.get("image"), ".png") if family == "avatar" else None,
            input_audio=media(b.get("sound_file"), ".wav") if family == "avatar" else None, settings=settings)

    def task_json(t: Task) -> dict[str, Any]:
        status = {"processing": "processing", "success": "succeed", "failed": "failed"}[t.status()]
        if status == "processing" and time.time() - t.created < 0.1:
            status = "submitted"
        data: dict[str, Any] = {"task_id": t.id, "task_status": status, "task_info": {"external_task_id": t.external_id},
                                "created_at": int(t.created * 1000), "updated_at": int(time.time() * 1000)}
        if status == "failed":
            data["task_status_msg"] = "The emulator failed this task on purpose (fault 'fail')."
            data["task_result"] = {}
        if status == "succeed" and t.future is not None:
            files = t.future.result()
            if get_model(t.request.model).kind.value == "image":
                data["task_result"] = {"images": [{"index": i, "url": state.media_url(p.name)} for i, p in enumerate(files)]}
            else:
                data["task_result"] = {"videos": [{"id": p.stem, "url": state.media_url(p.name), "duration": "5.0"}
                                                  for p in files]}
            data["final_unit_deduction"] = f"{t.cost:.3f}"
        return data

    def create(req: Request) -> Response:
        family = FAMILIES[req.path]
        try:
            check_auth(req)
            body = req.json()
            external = str(body.get("external_task_id") or "")
            if external and state.find(external):
                raise KlingError(1201, f"external_task_id {external} already exists")
            if server.faults.take("1303"):
                raise KlingError(1303, "parallel task over resource pack limit")
            request = to_request(family, body)
            problems = problems_for(request)
            if problems:
                raise KlingError(1201, problems[0].message)
        except KlingError as exc:
            return envelope(exc.code, str(exc))
        spec = get_model(request.model)
        seconds = resolve(request).duration or 5
        task = Task(str(uuid.uuid4().int)[:18], "kling", request, external_id=external, endpoint=req.path,
                    cost=estimate_cost(spec.price, seconds=seconds, sound=bool(request.sound)) or 0.0)
        state.add_task(task, fail=server.faults.take("fail"))
        return envelope(0, "SUCCEED", {"task_id": task.id, "task_info": {"external_task_id": external},
                                       "task_status": "submitted", "created_at": int(task.created * 1000),
                                       "updated_at": int(task.created * 1000)})

    def query(req: Request) -> Response:
        try:
            check_auth(req)
        except KlingError as exc:
            return envelope(exc.code, str(exc))
        key = req.path.rsplit("/", 1)[-1]
        t = state.find(key)
        if t is None or t.api != "kling":
            return envelope(1203, "The requested resource does not exist")
        return envelope(0, "SUCCEED", task_json(t))

    for path in FAMILIES:
        server.add_route("POST", path, create)
        server.add_route("GET", path + "/", query)
