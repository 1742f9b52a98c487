"""Kling JWT: made by the client and checked by PyJWT and by the emulator over a real loopback socket."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt
import pytest
from kling_helpers import provider

from kling_desktop.providers.kling_auth import LIFETIME, REFRESH_BEFORE, TokenCache, make_token
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, EmulatorServer


def test_token_is_hs256_with_iss_exp_nbf() -> None:
    now = time.time()
    token = make_token("AK123", "SK456-a-secret-key-of-32-bytes!!", now)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(
        token,
        "SK456-a-secret-key-of-32-bytes!!",
        algorithms=["HS256"],
        options={"require": ["iss", "exp", "nbf"]},
    )
    assert claims == {"iss": "AK123", "exp": int(now) + 1800, "nbf": int(now) - 5}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "a-wrong-secret-key-that-is-32-bytes!", algorithms=["HS256"])
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(
            make_token("AK", "SK456-a-secret-key-of-32-bytes!!", now - 3600),
            "SK456-a-secret-key-of-32-bytes!!",
            algorithms=["HS256"],
        )


def test_token_is_reused_then_regenerated_before_expiry() -> None:
    cache, now = TokenCache(), 1_800_000_000.0
    first = cache.get("AK", "SK-0123456789abcdef0123456789abcdef", now)
    assert cache.get("AK", "SK-0123456789abcdef0123456789abcdef", now + 600) == first and cache.made == 1
    later = cache.get("AK", "SK-0123456789abcdef0123456789abcdef", now + LIFETIME - REFRESH_BEFORE + 1)
    assert later != first and cache.made == 2
    assert (
        jwt.decode(
            later,
            "SK-0123456789abcdef0123456789abcdef",
            algorithms=["HS256"],
            options={"verify_exp": False, "verify_nbf": False},
        )["exp"]
        > now + LIFETIME
    )
    cache.get("AK2", "SK-0123456789abcdef0123456789abcdef", now + LIFETIME - REFRESH_BEFORE + 2)
    assert cache.made == 3  # other keys, other token


def _get(emu: EmulatorServer, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(f"{emu.base_url}/v1/videos/text2video", headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("auth", "code"),
    [
        (None, 1001),
        ("Basic abc", 1002),
        ("Bearer not-a-jwt", 1002),
        ("Bearer " + make_token(KLING_TEST_ACCESS, "a-wrong-secret-key-that-is-32-bytes!"), 1002),
        ("Bearer " + make_token("someone-else", KLING_TEST_SECRET), 1002),
        ("Bearer " + make_token(KLING_TEST_ACCESS, KLING_TEST_SECRET, time.time() - 3600), 1004),
        ("Bearer " + make_token(KLING_TEST_ACCESS, KLING_TEST_SECRET, time.time() + 600), 1003),
    ],
)
def test_emulator_refuses_bad_tokens_with_the_documented_codes(auth: str | None, code: int) -> None:
    with EmulatorServer() as emu:
        resp = _get(emu, {"Authorization": auth} if auth else {})
    body = resp.json()
    assert resp.status_code == 401 and body["code"] == code and body["request_id"] and "data" not in body


def test_emulator_accepts_a_good_token() -> None:
    with EmulatorServer() as emu:
        resp = _get(emu, {"Authorization": "Bearer " + make_token(KLING_TEST_ACCESS, KLING_TEST_SECRET)})
    assert resp.status_code == 200 and resp.json()["code"] == 0 and resp.json()["data"] == []


def test_client_replaces_an_expired_token_once() -> None:
    async def main(emu: EmulatorServer) -> int:
        async with httpx.AsyncClient() as client:
            p = provider(emu, client)
            stale = make_token(KLING_TEST_ACCESS, KLING_TEST_SECRET, time.time() - 3600)
            p.tokens._token, p.tokens._exp = stale, time.time() + 3600  # the cache believes it is fresh
            p.tokens._for = hash((KLING_TEST_ACCESS, KLING_TEST_SECRET))
            assert await p._call("GET", "/v1/videos/text2video") == []
            return p.tokens.made

    with EmulatorServer() as emu:
        assert asyncio.run(main(emu)) == 1  # 1004 → a new token, and the call went through
