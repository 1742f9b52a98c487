"""Kling API authentication: an HS256 JWT from the access key and secret key (protocols/kling.md §2)."""

from __future__ import annotations

import time

import jwt

LIFETIME = 1800
REFRESH_BEFORE = 60


def make_token(access_key: str, secret_key: str, now: float | None = None) -> str:
    t = int(now if now is not None else time.time())
    return jwt.encode({"iss": access_key, "exp": t + LIFETIME, "nbf": t - 5}, secret_key, algorithm="HS256",
                      headers={"alg": "HS256", "typ": "JWT"})


class TokenCache:
    """One token, regenerated a minute before it expires (or at once after a 1004 'expired')."""

    def __init__(self) -> None:
        self._token: str | None = None
        self._exp = 0.0
        self._for = ""

    def get(self, access_key: str, secret_key: str) -> str:
        now = time.time()
        if self._token is None or now > self._exp - REFRESH_BEFORE or self._for != access_key:
            self._token = make_token(access_key, secret_key, now)
            self._exp, self._for = now + LIFETIME, access_key
        return self._token

    def clear(self) -> None:
        self._token = None
