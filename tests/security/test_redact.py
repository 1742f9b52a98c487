"""Hostile servers that echo the key: nothing of it (nor an obvious encoding) is kept, logged or shown.

``core/redact.py`` is the one scrub both providers apply to everything they parse from a reply; these tests
drive the real clients against the loopback emulator with routes that echo what they received.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from kling_desktop.core.paths import AppPaths
from kling_desktop.core.redact import MASK, forget_all, remember, scrub, scrub_json
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Credentials
from kling_desktop.jobs.states import JobState
from kling_desktop.providers.registry import credential_env_names
from kling_desktop.services import build_services
from kling_emulator.server import EmulatorServer, Request, Response

CANARY = "canary-RUNWARE-5e8d1c0b7a294f63b1d2e3f4a5b6c7d8"
ACCESS = "canary-ACCESS-0d9e8f7a6b5c4d3e"
SECRET = "canary-SECRET-a1b2c3d4e5f60718293a4b5c6d7e8f90"
REQ = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)


def encodings(secret: str, prefix: str = "user:") -> dict[str, str]:
    raw = secret.encode()
    return {
        "raw": secret,
        "upper": secret.upper(),
        "url": quote(secret, safe=""),
        "json": json.dumps(secret)[1:-1],
        "hex": raw.hex(),
        "base64": base64.b64encode(raw).decode(),
        "base64 nopad": base64.b64encode(raw).decode().rstrip("="),
        "base64url": base64.urlsafe_b64encode(raw).decode(),
        "base64 inside": base64.b64encode(prefix.encode() + raw + b":tail").decode(),
        "base64 offset 1": base64.b64encode(b"x" + raw).decode(),
        "base64 offset 2": base64.b64encode(b"xy" + raw).decode(),
    }


def leaks(text: str, secret: str) -> list[str]:
    """Which encodings of ``secret`` can still be found in ``text`` (decoding every base64-looking word)."""
    found = [name for name, form in encodings(secret).items() if form.lower() in text.lower()]
    for word in text.replace('"', " ").replace(",", " ").split():
        for candidate in (word, word + "=", word + "=="):
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    if secret.encode() in decode(candidate):
                        found.append(f"decodes: {word}")
                except ValueError:
                    pass
    return found


@pytest.mark.parametrize("form", sorted(encodings(CANARY)))
def test_scrub_removes_every_encoding(form: str) -> None:
    text = f"invalid key {encodings(CANARY)[form]} (check it)"
    out = scrub(text, [CANARY])
    assert MASK in out and leaks(out, CANARY) == [], out
    assert out.startswith("invalid key ") and out.endswith(" (check it)")


def test_scrub_keeps_ordinary_text_and_json_structure() -> None:
    body = {"errors": [{"code": "invalidApiKey", "message": f"bad key {CANARY}", "n": 3, CANARY: [CANARY]}]}
    out = scrub_json(body, [CANARY])
    assert out == {"errors": [{"code": "invalidApiKey", "message": "bad key ***", "n": 3, "***": ["***"]}]}
    assert scrub("A boat on a lake", [CANARY]) == "A boat on a lake"
    assert scrub("short", ["abc"]) == "short"  # too short to be a key: never blanks ordinary words


def test_remembered_secrets_are_scrubbed_without_being_passed() -> None:
    forget_all()
    assert CANARY not in "" and scrub(f"x {CANARY}") == f"x {CANARY}"
    remember(CANARY)
    try:
        assert scrub(f"x {CANARY}") == "x ***"
    finally:
        forget_all()


def _echo_all(secret: str, auth: str) -> str:
    forms = " | ".join(encodings(secret).values())
    return f"You sent {auth!r}; keys seen: {forms}"


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle.lower() in p.read_bytes().lower()]


def _cli_jobs_list(home: Path) -> str:
    env = {**os.environ, "KLING_DESKTOP_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-m", "kling_desktop", "jobs", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return out.stdout + out.stderr


def test_runware_server_echoing_the_key_is_scrubbed_everywhere(kd_home, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    creds = Credentials(credential_env_names())
    creds.set("runware", CANARY)  # no keyring in tests: kept for this session

    def hostile(req: Request) -> Response:
        auth = req.headers.get("Authorization") or req.headers.get("authorization") or ""
        task = (req.json() or [{}])[0]
        echo = _echo_all(CANARY, auth)
        return Response(
            400,
            {
                "errors": [
                    {
                        "code": f"invalidParameter {CANARY}",
                        "message": echo,
                        "parameter": base64.b64encode(auth.encode()).decode(),
                        "allowedValues": [CANARY, quote(auth)],
                        "taskUUID": task.get("taskUUID"),
                    }
                ]
            },
        )

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        emu.runware_key = CANARY
        serve = emu.route
        emu.route = lambda req: hostile(req) if (req.method, req.path) == ("POST", "/v1") else serve(req)  # type: ignore[method-assign]
        monkeypatch.setenv("KLING_DESKTOP_RUNWARE_URL", emu.base_url)

        async def main():
            s = build_services(AppPaths.default(), credentials=creds)
            try:
                return await s.runner.wait((await s.runner.submit(REQ, "runware")).id)
            finally:
                await s.aclose()

        job = asyncio.run(main())
    assert job.state is JobState.FAILED and "Runware refused the request" in job.error, job.error
    assert MASK in job.error and leaks(job.error, CANARY) == [], job.error
    assert _files_containing(kd_home, CANARY.encode()) == []  # jobs.sqlite, settings, caches
    assert leaks(caplog.text, CANARY) == []
    listed = _cli_jobs_list(kd_home)
    assert "Runware refused" in listed and leaks(listed, CANARY) == []


def test_kling_server_echoing_keys_and_token_is_scrubbed_everywhere(kd_home, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    creds = Credentials(credential_env_names())
    creds.set("kling_access", ACCESS)
    creds.set("kling_secret", SECRET)
    seen_tokens: list[str] = []

    def hostile(req: Request) -> Response:
        auth = req.headers.get("Authorization") or req.headers.get("authorization") or ""
        token = auth.removeprefix("Bearer ")
        seen_tokens.append(token)
        message = f"{_echo_all(ACCESS, auth)} / {_echo_all(SECRET, token)}"
        return Response(400, {"code": 1201, "message": message, "request_id": token, "data": None})

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        emu.kling_access, emu.kling_secret = ACCESS, SECRET
        serve = emu.route
        emu.route = lambda req: hostile(req) if req.path.startswith("/v1/videos") else serve(req)  # type: ignore[method-assign]
        monkeypatch.setenv("KLING_DESKTOP_KLING_URL", emu.base_url)

        async def main():
            s = build_services(AppPaths.default(), credentials=creds)
            try:
                return await s.runner.wait((await s.runner.submit(REQ, "kling")).id)
            finally:
                await s.aclose()

        job = asyncio.run(main())
    assert seen_tokens, "the hostile route was never called"
    assert job.state is JobState.FAILED and "Kling said" in job.error, job.error
    for secret in (ACCESS, SECRET, *set(seen_tokens)):
        assert secret not in job.error and leaks(job.error, secret) == [], job.error
        assert _files_containing(kd_home, secret.encode()) == []
        assert leaks(caplog.text, secret) == []
    listed = _cli_jobs_list(kd_home)
    assert "Kling said" in listed and leaks(listed, ACCESS) == [] and leaks(listed, SECRET) == []


def test_each_client_scrubs_with_its_own_keys(tmp_path: Path) -> None:
    """Keys handed straight to a provider (never remembered process-wide) are scrubbed by the client itself."""
    import uuid

    import httpx

    from kling_desktop.catalog.models import get_model
    from kling_desktop.core.secrets import Secret
    from kling_desktop.providers.base import JobContext, ProviderError
    from kling_desktop.providers.kling import KlingProvider
    from kling_desktop.providers.runware import RunwareProvider

    forget_all()
    key, access, secret = (
        "direct-RUNWARE-" + uuid.uuid4().hex,
        "direct-ACCESS-x1y2z3w4",
        "direct-SECRET-" + uuid.uuid4().hex,
    )

    def hostile(req: Request) -> Response:
        auth = req.headers.get("Authorization") or req.headers.get("authorization") or ""
        if req.path == "/v1":
            task = (req.json() or [{}])[0]
            item = {"code": "invalidValue", "message": _echo_all(key, auth), "taskUUID": task.get("taskUUID")}
            return Response(
                400, {"data": [{"status": "error", "taskUUID": task.get("taskUUID"), "error": item}]}
            )
        token = auth.removeprefix("Bearer ")
        return Response(
            400, {"code": 1201, "message": f"{_echo_all(access, auth)} {_echo_all(secret, token)}"}
        )

    async def main(emu: EmulatorServer) -> tuple[str, str]:
        ctx = JobContext("j", str(uuid.uuid4()), REQ, get_model(REQ.model), tmp_path)
        runware = RunwareProvider(emu.base_url, lambda: Secret(key), None, str(tmp_path / "uploads"))
        try:
            await runware.submit(ctx)
        except ProviderError as exc:
            from_runware = exc.message + exc.code
        finally:
            await runware.aclose()
        async with httpx.AsyncClient() as client:
            kling = KlingProvider(emu.base_url, lambda: Secret(access), lambda: Secret(secret), client)
            try:
                await kling.submit(ctx)
            except ProviderError as exc:
                from_kling = exc.message + exc.code
        return from_runware, from_kling

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        emu.route = hostile  # type: ignore[method-assign]
        from_runware, from_kling = asyncio.run(main(emu))
    assert "Runware refused" in from_runware and leaks(from_runware, key) == [], from_runware
    assert "Kling said" in from_kling, from_kling
    assert leaks(from_kling, access) == [] and leaks(from_kling, secret) == [], from_kling
