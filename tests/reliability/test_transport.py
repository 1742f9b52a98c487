"""One retry policy at one layer: a handful of sends per logical request, Retry-After honoured, broken replies
(corrupt gzip, redirect loops, oversize bodies) are transport faults, and reply bodies are capped."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from kling_desktop.providers.retry import ATTEMPTS, TransportFailed, send_with_retry
from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

PING = [{"taskType": "ping", "ping": True}]
HEADERS = {"Authorization": f"Bearer {RUNWARE_TEST_KEY}"}


def _send(base_url: str, **kwargs):
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async def main():
        async with httpx.AsyncClient(follow_redirects=True) as client:
            try:
                return await send_with_retry(
                    client, "POST", base_url + "/v1", headers=HEADERS, json=PING, sleep=record, **kwargs
                )
            except TransportFailed as exc:
                return exc

    return asyncio.run(main()), waits


def test_one_logical_request_sends_at_most_a_handful_of_times() -> None:
    with EmulatorServer(faults="5xx=50") as emu:
        result, waits = _send(emu.base_url)
        assert isinstance(result, TransportFailed) and result.status == 503
        assert emu.faults.hits["5xx"] == ATTEMPTS == 3 and len(waits) == ATTEMPTS - 1


def test_retry_after_is_honoured() -> None:
    with EmulatorServer(faults="429=1,retry_after=7") as emu:
        result, waits = _send(emu.base_url)
        assert result.status_code == 200 and waits == [7.0]


@pytest.mark.parametrize(
    ("spec", "words"),
    [("gzip", "compressed body is corrupt"), ("redirect", "redirect loop")],
)
def test_broken_replies_are_transport_faults(spec: str, words: str) -> None:
    with EmulatorServer(faults=f"{spec}=1") as emu:  # once: the second send gets a good answer
        ok, _ = _send(emu.base_url)
        assert ok.status_code == 200 and ok.json()["data"][0]["pong"] is True
    with EmulatorServer(faults=f"{spec}=50") as emu:
        failed, _ = _send(emu.base_url)
        assert isinstance(failed, TransportFailed) and words in str(failed) and not failed.offline


def test_a_refused_connection_is_offline_at_once() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    failed, waits = _send(f"http://127.0.0.1:{port}")
    assert isinstance(failed, TransportFailed) and failed.offline and "after 1 try" in str(failed)
    assert waits == []


def test_a_name_that_does_not_resolve_is_offline() -> None:
    def no_dns(request: httpx.Request) -> httpx.Response:  # what httpx raises when the lookup fails
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)

    async def main():
        async with httpx.AsyncClient(transport=httpx.MockTransport(no_dns)) as client:
            try:
                await send_with_retry(client, "POST", "https://api.example/v1", headers=HEADERS, json=PING)
            except TransportFailed as exc:
                return exc

    failed = asyncio.run(main())
    assert isinstance(failed, TransportFailed) and failed.offline and "does not resolve" in str(failed)


# ---- a hostile server (not the emulator): a 400 MB JSON reply -------------------------------------------------
HUGE = 400 * 1024 * 1024


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # with_length=False: the body ends when the connection closes

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.server.with_length:  # type: ignore[attr-defined]
            self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        chunk = b'{"data": [' + b'{"taskUUID": "x", "status": "processing"}, ' * 24000
        sent = 0
        try:
            while sent < HUGE:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the client stopped reading, as it should

    do_GET = do_POST = _answer  # noqa: N815


@pytest.fixture(params=[False, True], ids=["streamed", "announced"])
def hostile(request: pytest.FixtureRequest) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    httpd.daemon_threads = True
    httpd.with_length = request.param  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


CLIENT = """
import asyncio, json, sys, uuid
from pathlib import Path
import httpx
from kling_desktop.catalog.models import get_model
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Secret
from kling_desktop.providers.base import JobContext, ProviderError
from kling_desktop.providers.kling import KlingProvider
from kling_desktop.providers.runware import RunwareProvider

async def main():
    req = GenerationRequest(model="klingai:1@1", prompt="x", width=1280, height=720, duration=5)
    ctx = JobContext("j", str(uuid.uuid4()), req, get_model(req.model), Path(sys.argv[2]), acknowledged=True)
    out = {}
    async with httpx.AsyncClient() as client:
        providers = {
            "runware": RunwareProvider(sys.argv[1], lambda: Secret("k"), client, sys.argv[2]),
            "kling": KlingProvider(sys.argv[1], lambda: Secret("a"), lambda: Secret("s" * 32), client),
        }
        for name, provider in providers.items():
            try:
                await provider.poll(ctx, None)
                out[name] = "no error"
            except ProviderError as exc:
                out[name] = [exc.message, exc.retryable]
    # VmHWM is this process's own peak; ru_maxrss would carry the forking test runner's peak across exec.
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
    out["maxrss_mb"] = int(hwm.split()[1]) / 1024
    print(json.dumps(out))

asyncio.run(main())
"""


def test_a_400_mb_json_reply_is_refused_while_it_streams(hostile: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CLIENT, hostile, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for name in ("runware", "kling"):
        message, retryable = out[name]
        assert "more than the 8 MB allowed" in message or "larger than the 8 MB allowed" in message, message
        assert retryable  # an unusable reply is no verdict: the job waits and asks again
    assert out["maxrss_mb"] < 500, out


def test_requests_beyond_the_in_flight_limit_wait_on_this_side(monkeypatch) -> None:
    """Two hundred polling jobs must not queue inside httpcore's pool (it rescans the queue against every
    connection at each request): at most ``IN_FLIGHT`` requests per client are on the wire, the rest wait
    their turn here, and every one is answered."""
    from kling_desktop.providers import retry

    monkeypatch.setattr(retry, "IN_FLIGHT", 3)
    lock = threading.Lock()
    now = {"open": 0, "most": 0}

    class Slow(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                now["open"] += 1
                now["most"] = max(now["most"], now["open"])
            threading.Event().wait(0.1)  # long enough for the others to pile up
            with lock:
                now["open"] -= 1
            body = b'{"data": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"

    async def main() -> list[int]:
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=100)) as client:
            replies = await asyncio.gather(
                *(send_with_retry(client, "POST", url, headers=HEADERS, json=PING) for _ in range(15))
            )
        return [r.status_code for r in replies]

    try:
        statuses = asyncio.run(main())
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert statuses == [200] * 15
    assert now["most"] == 3
