"""A real HTTP server on loopback that speaks the Runware and Kling APIs (see README.md beside this file).

with EmulatorServer(faults="429=1") as emu:
    emu.base_url  # point KLING_DESKTOP_RUNWARE_URL / KLING_DESKTOP_KLING_URL here
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kling_emulator.faults import Faults
from kling_emulator.state import EmulatorState

RUNWARE_TEST_KEY = "emulator-runware-key"
KLING_TEST_ACCESS = "emulator-access-key"
KLING_TEST_SECRET = "emulator-secret-key-0123456789abcdef"


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int
    body: Any = None  # dict/list → JSON; bytes → raw
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Request], Response]


class EmulatorServer:
    def __init__(
        self,
        port: int = 0,
        faults: str | Faults | None = None,
        delay: float = 1.0,
        root: Path | None = None,
        max_side: int = 480,
    ) -> None:
        self.faults = faults if isinstance(faults, Faults) else Faults.parse(faults)
        self._tmp = None if root else tempfile.TemporaryDirectory(prefix="kd-emulator-")
        self.state = EmulatorState(root or Path(self._tmp.name), delay=delay, max_side=max_side)  # type: ignore[union-attr]
        self.state.holding = lambda: self.faults.never_finish
        self.runware_key = RUNWARE_TEST_KEY
        self.kling_access, self.kling_secret = KLING_TEST_ACCESS, KLING_TEST_SECRET
        self.routes: list[tuple[str, str, Route]] = []
        from kling_emulator import kling_routes, media, runware_api

        runware_api.register(self)
        kling_routes.register_routes(self)
        media.register(self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.state.base_url = self.base_url
        self._thread: threading.Thread | None = None

    @property
    def submissions(self) -> Any:
        return self.state.submissions

    def add_route(self, method: str, prefix: str, fn: Route) -> None:
        self.routes.append((method, prefix, fn))

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.state.close()
        if self._tmp:
            self._tmp.cleanup()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def route(self, req: Request) -> Response:
        for method, prefix, fn in sorted(self.routes, key=lambda r: -len(r[1])):
            if req.method == method and req.path.startswith(prefix):
                return fn(req)
        return Response(404, {"error": f"no route for {req.method} {req.path}"})


def _handler(server: EmulatorServer) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (EmulatorHandler,), {"emulator": server})


RESET = object()  # an injected fault: the connection is cut without an answer


class EmulatorHandler(BaseHTTPRequestHandler):
    """One request: injected faults first (as ``Faults`` says), then the route's answer."""

    protocol_version = "HTTP/1.1"
    emulator: EmulatorServer

    def log_message(self, *args: object) -> None:
        pass

    def _read(self) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        url = urlparse(self.path)
        return Request(
            self.command,
            url.path,
            url.query,
            {k.lower(): v for k, v in self.headers.items()},
            self.rfile.read(length) if length else b"",
        )

    def _serve(self) -> None:
        req = self._read()
        faults = self.emulator.faults
        if faults.latency:
            time.sleep(faults.latency)
        is_api = not req.path.startswith(("/media/", "/uploads/"))
        is_query = is_api and (req.method == "GET" or b'"getResponse"' in req.body)
        injected = self._injected(req, is_api, is_query)
        if injected is RESET:
            return self._reset()
        if isinstance(injected, Response):
            return self._send(injected)
        try:
            resp = self.emulator.route(req)
        except ConnectionAbortedError:
            return self._reset()
        except Exception as exc:  # the emulator reports its own bugs as a 500 the client must survive
            resp = Response(500, {"errors": [{"code": "internalServerError", "message": str(exc)}]})
        if is_api and faults.take("gzip"):  # says gzip, is not: the client cannot decode it
            resp.headers["Content-Encoding"] = "gzip"
            resp.body = b"\x1f\x8b\x08\x00" + b"this is not a deflate stream" * 4
        self._send(resp)

    def _injected(self, req: Request, is_api: bool, is_query: bool) -> Response | object | None:
        """The fault this request meets, in a fixed order (each ``take`` spends one), or None."""
        faults = self.emulator.faults
        if is_api and ("loop=" in req.query or faults.take("redirect")):  # a redirect loop, for ever
            return Response(307, b"", {"Location": f"{req.path}?loop={len(req.query)}"})
        if is_query and faults.in_outage("query_outage"):
            return Response(500, {"errors": [{"code": "internalServerError", "message": "outage"}]})
        if req.path.startswith("/media/") and faults.in_outage("host_outage"):
            return Response(503, b"the file host is down")
        if is_query and (lost := self._accepted_task(req)) and (answer := self._query_fault(req, lost)):
            return answer
        if not is_api:
            return None
        if faults.take("reset"):
            return RESET
        if faults.take("429"):
            return Response(
                429,
                {"errors": [{"code": "rateLimitExceeded", "message": "Too many requests"}]},
                {"Retry-After": f"{faults.retry_after:g}"},
            )
        if faults.take("5xx"):
            return Response(503, {"errors": [{"code": "serviceUnavailable", "message": "busy"}]})
        if faults.take("malformed"):
            return Response(200, b'{"data": [ {"taskType": "videoInf')
        return None

    def _query_fault(self, req: Request, task: str) -> Response | None:
        """Faults only a status query about an accepted task meets: "lost" (Runware) and 1303 (Kling)."""
        faults = self.emulator.faults
        if req.method == "POST" and faults.take("lost"):
            lost = {
                "code": "taskFailedOrNotFound",
                "message": "Task not found or expired.",
                "taskUUID": task,
                "status": "error",
            }
            return Response(200, {"data": [], "errors": [lost]})
        if req.method == "GET" and faults.take("query1303"):
            return Response(429, {"code": 1303, "message": "parallel task over resource pack limit"})
        return None

    def _reset(self) -> None:
        self.close_connection = True
        self.connection.shutdown(2)

    def _accepted_task(self, req: Request) -> str | None:
        """The id of the (existing) task a status query asks about, else None."""
        if req.method == "GET":
            key = req.path.rpartition("/")[2]
        else:
            try:
                tasks = req.json()
                key = str(tasks[0].get("taskUUID")) if isinstance(tasks, list) and tasks else ""
            except (ValueError, AttributeError):
                return None
        return key if key and self.emulator.state.find(key) is not None else None

    def _send(self, resp: Response) -> None:
        body = resp.body if isinstance(resp.body, bytes) else json.dumps(resp.body).encode()
        truncate = resp.headers.pop("X-Truncate", None)
        drip = resp.headers.pop("X-Drip", None)
        if resp.headers.pop("X-Short", None):  # a Content-Length shorter than the file: send only that
            body = body[: len(body) * 3 // 5]
        self.send_response(resp.status)
        if not isinstance(resp.body, bytes):
            self.send_header("Content-Type", "application/json")
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if drip:
            return self._drip(body)
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            time.sleep(0.2)
            self.close_connection = True
            return
        self.wfile.write(body)

    def _drip(self, body: bytes) -> None:
        """One byte at a time, until the client gives up."""
        try:
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(self.emulator.faults.drip_every)
        except OSError:
            pass
        self.close_connection = True

    do_GET = do_POST = do_HEAD = _serve  # noqa: N815
