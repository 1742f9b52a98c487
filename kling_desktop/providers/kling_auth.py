"""Kling API authentication: an HS256 JWT from the access key and secret key (docs/protocols/kling.md §2).

payload ``{"iss": access_key, "exp": now + 1800, "nbf": now - 5}``, header ``{"alg": "HS256", "typ": "JWT"}``,
sent as ``Authorization: Bearer <token>``. Neither key is ever logged or put in an exception message.
"""

from __future__ import annotations

import time
import warnings

LIFETIME = 1800
NOT_BEFORE = 5
REFRESH_BEFORE = 60  # a new token a minute before the old one expires


def make_token(access_key: str, secret_key: str, now: float | None = None) -> str:
    import jwt  # with its crypto backends: imported when a Kling request is first signed, not at start-up

    t = int(now if now is not None else time.time())
    with warnings.catch_warnings():  # short HMAC keys warn in newer PyJWT; the key length is Kling's choice
        warnings.simplefilter("ignore")
        return jwt.encode(
            {"iss": access_key, "exp": t + LIFETIME, "nbf": t - NOT_BEFORE},
            secret_key,
            algorithm="HS256",
            headers={"alg": "HS256", "typ": "JWT"},
        )


class TokenCache:
    """One token, regenerated a minute before it expires (or at once after a 1004 'expired')."""

    def __init__(self) -> None:
        self._token: str | None = None
        self._exp = 0.0
        self._for = 0  # hash of the key pair the token was made for, never the keys themselves
        self.made = 0  # tokens made so far (tests check the refresh)

    def get(self, access_key: str, secret_key: str, now: float | None = None) -> str:
        t = time.time() if now is None else now
        pair = hash((access_key, secret_key))
        if self._token is None or t > self._exp - REFRESH_BEFORE or self._for != pair:
            self._token = make_token(access_key, secret_key, t)
            self._exp, self._for = int(t) + LIFETIME, pair
            self.made += 1
        return self._token

    def clear(self) -> None:
        self._token = None
