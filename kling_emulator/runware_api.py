"""The Runware half of the emulator: POST /v1 with task arrays, as docs/protocols/runware.md describes."""

from __future__ import annotations

import base64
import binascii
import time
import uuid
import zlib
from typing import TYPE_CHECKING, Any

from kling_desktop.catalog.models import UnknownModel, get_model
from kling_desktop.catalog.pricing import estimate_cost
from kling_desktop.core.request import GenerationRequest, Shot
from kling_emulator.spec_check import refusals, seconds_of
from kling_emulator.state import Task

if TYPE_CHECKING:
    from kling_emulator.server import EmulatorServer, Request, Response

# Top-level fields a Kling task may carry (the "Allowed values" list the real service quotes, plus the
# legacy ``frameImages``/``referenceImages``); anything else is refused as ``unsupportedParameter``.
ALLOWED = (
    "taskType",
    "taskUUID",
    "model",
    "positivePrompt",
    "negativePrompt",
    "width",
    "height",
    "resolution",
    "duration",
    "fps",
    "CFGScale",
    "numberResults",
    "outputType",
    "outputFormat",
    "outputQuality",
    "deliveryMethod",
    "includeCost",
    "webhookURL",
    "uploadEndpoint",
    "ttl",
    "inputs",
    "providerSettings",
    "frameImages",
    "referenceImages",
    "safety",
)
SYNC_WAIT = (
    120.0  # seconds a deliveryMethod "sync" request is held before it answers with the acknowledgement
)
INPUTS = ("frameImages", "referenceImages", "referenceVideos", "referenceVoices", "video", "audio", "image")

_EXT = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/mpeg": ".mp3",
}


class TaskError(Exception):
    def __init__(self, code: str, message: str, parameter: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.item = {"code": code, "message": message, **({"parameter": parameter} if parameter else {})}
        self.status = status


def _decode(value: str) -> tuple[bytes, str]:
    if value.startswith("data:"):
        head, _, data = value.partition(",")
        mime = head[5:].split(";")[0]
        return base64.b64decode(data), _EXT.get(mime, ".bin")
    return base64.b64decode(value, validate=True), ".bin"


def check_parameters(task: dict[str, Any]) -> None:
    """Refuse what the real service refuses before it looks at values: unknown fields and providers."""
    for key in task:
        if key not in ALLOWED:
            raise TaskError(
                "unsupportedParameter",
                f"Unsupported use of '{key}' parameter. This parameter is not "
                f"supported for the selected model. Allowed values are: "
                f"{', '.join(repr(a) for a in ALLOWED)}.",
                key,
            )
    for key in task.get("inputs") or {}:
        if key not in INPUTS:
            raise TaskError(
                "unsupportedParameter", f"Unsupported use of 'inputs.{key}' parameter.", f"inputs.{key}"
            )
    for provider in task.get("providerSettings") or {}:
        if provider != "klingai":
            raise TaskError(
                "mismatchProviderSettingsProvider",
                f"providerSettings.{provider} does not match the model's provider (klingai).",
                f"providerSettings.{provider}",
            )


def _frames(entries: list[Any]) -> dict[str, Any]:
    """frame → image; entries without ``frame`` are placed like the service does (1: first; 2: first, last)."""
    out: dict[str, Any] = {}
    for n, f in enumerate(entries):
        if not isinstance(f, dict):
            raise TaskError(
                "invalidValue", "Each frame image is an object {image, frame}.", "inputs.frameImages"
            )
        # frame 0 is the first frame, like an absent one
        where: Any = f.get("frame") or ("last" if n == len(entries) - 1 and n > 0 else "first")
        if where not in ("first", "last"):
            raise TaskError(
                "invalidValue",
                f"Kling takes only the first and last frames; got frame {where!r}.",
                "inputs.frameImages",
            )
        out[where] = f.get("image") or f.get("inputImage")
    return out


def to_request(state: Any, task: dict[str, Any]) -> GenerationRequest:
    """The inverse of the client's payload builder: wire task → GenerationRequest over the uploaded files."""

    def media(ref: Any) -> str:
        ref = ref.get("video") or ref.get("image") if isinstance(ref, dict) else ref
        path = state.uploads.get(str(ref))
        if path is None:
            raise TaskError("invalidValue", f"Unknown media id {ref!r}: upload it first.", "inputs")
        return str(path)

    inputs = task.get("inputs") or {}
    frames = _frames((inputs.get("frameImages") or []) + (task.get("frameImages") or []))
    klingai = dict((task.get("providerSettings") or {}).get("klingai") or {})
    shots = tuple(
        Shot(prompt=s.get("prompt", ""), duration=float(s.get("duration", 0)))
        for s in klingai.pop("multiPrompt", []) or []
    )
    klingai.pop("shotType", None) if not shots else None
    refs = inputs.get("referenceVideos") or []
    typed = [r for r in refs if isinstance(r, dict)]
    return GenerationRequest(
        model=task.get("model", ""),
        prompt=task.get("positivePrompt", ""),
        negative_prompt=task.get("negativePrompt", ""),
        first_frame=media(frames["first"]) if "first" in frames else None,
        last_frame=media(frames["last"]) if "last" in frames else None,
        shots=shots,
        duration=task.get("duration"),
        width=task.get("width"),
        height=task.get("height"),
        resolution=task.get("resolution"),
        cfg_scale=task.get("CFGScale"),
        sound=klingai.pop("sound", None),
        reference_images=tuple(media(r) for r in inputs.get("referenceImages") or []),
        reference_videos=tuple(media(r) for r in refs),
        reference_video_types=tuple(str(r.get("referType", "feature")) for r in refs) if typed else (),
        reference_voices=tuple(media(r) for r in inputs.get("referenceVoices") or []),
        input_video=media(inputs["video"]) if "video" in inputs else None,
        input_audio=media(inputs["audio"]) if "audio" in inputs else None,
        input_image=media(inputs["image"]) if "image" in inputs else None,
        settings=klingai,
        number_results=int(task.get("numberResults", 1)),
    )


def output_uuid(task_uuid: str, name: str) -> str:
    """A real UUID per result, distinct from the task's and the same at every poll (results are cumulative)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kling-emulator:runware/{task_uuid}/{name}"))


def register(server: EmulatorServer) -> None:
    server.add_route("POST", "/v1", RunwareRoutes(server).handle)


Items = list[dict[str, Any]]
BAD_KEY = {
    "errors": [
        {
            "code": "invalidApiKey",
            "message": "Invalid API key.",
            "parameter": "apiKey",
            "taskType": "authentication",
        }
    ]
}


class RunwareRoutes:
    """``POST /v1``: a JSON array of tasks, each answered in ``data`` or ``errors``."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.state = server.state

    def authorised(self, req: Request, tasks: list[Any]) -> bool:
        if self.server.faults.badkey:
            return False
        bearer = req.headers.get("authorization", "")
        if bearer == f"Bearer {self.server.runware_key}":
            return True
        first = tasks[0] if tasks else {}
        return (
            isinstance(first, dict)
            and first.get("taskType") == "authentication"
            and first.get("apiKey") == self.server.runware_key
        )

    def infer(self, task: dict[str, Any]) -> dict[str, Any]:
        state, faults = self.state, self.server.faults
        task_uuid = str(task.get("taskUUID") or "")
        with state.lock:
            state.received[task_uuid] += 1
            if task_uuid in state.tasks:
                raise TaskError("conflictTaskUUID", "This taskUUID was already used.", "taskUUID")
        try:
            spec = get_model(str(task.get("model")))
        except UnknownModel as exc:
            raise TaskError("invalidValue", exc.message, "model") from None
        check_parameters(task)
        req = to_request(state, task)
        problems = refusals(req)
        if problems:
            p = problems[0]
            raise TaskError("invalidValue", p.message, p.field)
        cost = estimate_cost(
            spec.price, seconds=seconds_of(req) or 5, sound=bool(req.sound), images=req.number_results
        )
        state.add_task(
            Task(task_uuid, "runware", req, cost=cost or 0.0, include_cost=task.get("includeCost") is True),
            fail=faults.take("fail"),
        )
        if faults.take("drop_reply"):  # the task was accepted, but the answer is lost on the way back
            raise ConnectionAbortedError("reply dropped")
        return {"taskType": task["taskType"], "taskUUID": task_uuid}

    def poll(self, task_uuid: str) -> tuple[Items, Items]:
        t = self.state.find(task_uuid)
        if t is None:
            return [], [
                {
                    "code": "taskFailedOrNotFound",
                    "message": "Task not found or expired.",
                    "taskUUID": task_uuid,
                    "status": "error",
                }
            ]
        kind = "imageInference" if get_model(t.request.model).kind.value == "image" else "videoInference"
        status = t.status()
        if status == "processing":
            return [
                {"taskType": kind, "taskUUID": task_uuid, "status": "processing", "progress": t.progress()}
            ], []
        if status == "failed":
            return self._failed(kind, task_uuid)
        return self._results(t, kind, task_uuid), []

    def _failed(self, kind: str, task_uuid: str) -> tuple[Items, Items]:
        error = {
            "code": "timeoutProvider",
            "message": "The external provider did not respond within the "
            "timeout window. The request was automatically terminated.",
        }
        if self.server.faults.item_errors:  # the second form: an item in data with an embedded error
            return [{"taskType": kind, "taskUUID": task_uuid, "status": "error", "error": error}], []
        return [], [{**error, "status": "error", "taskUUID": task_uuid}]

    def _results(self, t: Task, kind: str, task_uuid: str) -> Items:
        assert t.future is not None
        files = t.future.result()
        key, url_key = ("imageUUID", "imageURL") if kind == "imageInference" else ("videoUUID", "videoURL")
        items = []
        for path in files:
            item = {
                "taskType": kind,
                "taskUUID": task_uuid,
                "status": "success",
                key: output_uuid(task_uuid, path.name),
                url_key: self.state.media_url(path.name),
                "seed": zlib.crc32(path.stem.encode()) & 0x7FFFFFFF,
            }
            if t.include_cost:
                item["cost"] = round(t.cost / len(files), 4)
            items.append(item)
        return items

    def wait_for(self, ack: dict[str, Any]) -> tuple[Items, Items]:
        """Hold a sync request until its task ends; past ``SYNC_WAIT`` answer with the acknowledgement
        (the task goes on in the background, as the service's own sync timeout does)."""
        deadline = time.monotonic() + SYNC_WAIT
        while time.monotonic() < deadline:
            items, errs = self.poll(str(ack["taskUUID"]))
            if errs or any(i.get("status") != "processing" for i in items):
                return items, errs
            time.sleep(0.02)
        return [ack], []

    def upload(self, kind: str, task: dict[str, Any]) -> dict[str, Any]:
        raw, suffix = _decode(str(task.get("image") or task.get("media") or ""))
        media_id = self.state.store_upload(raw, suffix)
        key = "imageUUID" if kind == "imageUpload" else "mediaUUID"
        return {
            "taskType": kind,
            "taskUUID": task.get("taskUUID"),
            key: media_id,
            key.replace("UUID", "URL"): f"{self.state.base_url}/uploads/{media_id}",
            **({"operation": "upload"} if kind == "mediaStorage" else {}),
        }

    def one(self, kind: Any, task: dict[str, Any]) -> tuple[Items, Items]:
        """One task of the array: its items for ``data`` and ``errors``."""
        if kind == "authentication":
            return [], []
        if kind == "ping":
            return [{"taskType": "ping", "pong": True}], []
        if kind in ("imageUpload", "mediaStorage"):
            return [self.upload(kind, task)], []
        if kind == "imageInference" and task.get("deliveryMethod", "sync") == "sync":
            return self.wait_for(self.infer(task))  # Runware's default for images: the result in the reply
        if kind in ("videoInference", "imageInference"):
            return [self.infer(task)], []
        if kind == "getResponse":
            return self.poll(str(task.get("taskUUID")))
        raise TaskError("unsupportedTaskType", f"Unknown taskType {kind!r}.", "taskType")

    def handle(self, req: Request) -> Response:
        from kling_emulator.server import Response

        try:
            tasks = req.json()
        except ValueError:
            return Response(400, {"errors": [{"code": "invalidJSON", "message": "The body is not JSON."}]})
        if not isinstance(tasks, list):
            return Response(
                400, {"errors": [{"code": "invalidRequest", "message": "Send a JSON array of tasks."}]}
            )
        if not self.authorised(req, tasks):
            return Response(401, BAD_KEY)
        data: Items = []
        errors: Items = []
        status = 200
        for task in tasks:
            kind = task.get("taskType") if isinstance(task, dict) else None
            try:
                items, errs = self.one(kind, task)
                data += items
                errors += errs
            except TaskError as exc:
                errors.append({**exc.item, "taskType": kind, "taskUUID": task.get("taskUUID")})
                status = exc.status
            except (binascii.Error, ValueError) as exc:
                errors.append(
                    {
                        "code": "invalidValue",
                        "message": str(exc),
                        "taskType": kind,
                        "taskUUID": task.get("taskUUID") if isinstance(task, dict) else None,
                    }
                )
                status = 400
        body: dict[str, Any] = {"data": data}
        if errors:
            body["errors"] = errors
        return Response(status if errors and not data else 200, body)
