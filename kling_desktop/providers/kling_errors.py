"""The Kling error-code table (docs/protocols/kling.md §5.4) in plain language.

A code alone never proves that Kling did not receive a task: 1202/1203/1302/1303 mean different things
answered to a create and to a query, so the client (``kling.py``) decides, knowing which request it sent.

Messages are for the artist and never contain a key: the provider scrubs the server's own text as well.
"""

from __future__ import annotations

from kling_desktop.core.redact import scrub
from kling_desktop.providers.base import ProviderError

CONCURRENCY_WAIT = 2.0  # first wait after 1303/1302; the job waits for a free slot, it does not fail
CONCURRENCY_WAIT_CAP = 30.0
KEYS_HINT = "Check the access key and secret key in Settings → Providers"


def concurrency_wait(times: int) -> float:
    """2, 3, 4.5, ... up to 30 seconds for the n-th consecutive 1303 (n = 1, 2, ...)."""
    return min(CONCURRENCY_WAIT_CAP, CONCURRENCY_WAIT * 1.5 ** max(0, times - 1))


def kling_error(code: int, message: str, http_status: int | None = None) -> ProviderError:
    """The ProviderError for an envelope with ``code != 0`` (``code`` -1: no envelope could be read)."""
    message = scrub(message)  # no remembered secret survives (the provider has scrubbed with its keys first)
    raw = f" (Kling said: {message})" if message else ""
    if 1000 <= code <= 1004:
        what = {
            1001: "no keys were sent",
            1003: "the clock of this computer looks wrong (token not yet valid)",
            1004: "the sign-in token expired",
        }.get(code, "the keys were refused")
        return ProviderError(f"Kling could not sign in: {what}. {KEYS_HINT}.", code=str(code))
    if code in (1101, 1102):
        return ProviderError(
            "Your Kling account has no credits left (balance in arrears, or the resource pack is "
            "used up or expired). Top it up at klingai.com, then press Retry.",
            code=str(code),
        )
    if code == 1100:
        return ProviderError(
            f"Your Kling account has a problem{raw}. Check it at klingai.com.", code=str(code)
        )
    if code == 1103:
        return ProviderError(f"Your Kling account may not use this model or API{raw}.", code=str(code))
    if code == 1303:
        return ProviderError(
            "Kling's concurrency limit for your account is reached (other tasks are still "
            "running); the job waits for a free slot and then sends itself.",
            code="1303",
            retryable=True,
            retry_after=CONCURRENCY_WAIT,
        )
    if code == 1302:
        return ProviderError(
            "Kling asks to slow down; the app waits and tries again.",
            code="1302",
            retryable=True,
            retry_after=CONCURRENCY_WAIT,
        )
    if code == 1304:
        return ProviderError(
            f"Kling refused this computer's IP address (IP allow-list of your account){raw}.", code="1304"
        )
    if code in (1300, 1301):
        return ProviderError(
            "Kling's content safety policy refused this request: something in the prompt or "
            f"the images is not allowed{raw}. Change it, then press Retry.",
            code=str(code),
        )
    if code in (1202, 1203):
        return ProviderError(f"Kling does not know this task or model{raw}.", code=str(code))
    if 1200 <= code <= 1201:
        return ProviderError(f"Kling rejected a parameter of this request{raw}.", code=str(code))
    if code >= 5000 or (http_status or 0) >= 500:
        return ProviderError(
            f"Kling had a server problem{raw}; the app tries again.",
            code=str(code),
            retryable=True,
            retry_after=CONCURRENCY_WAIT,
        )
    if http_status == 429:
        return ProviderError(
            f"Kling is busy{raw}; the app waits and tries again.",
            code=str(code),
            retryable=True,
            retry_after=CONCURRENCY_WAIT,
        )
    if http_status == 401:
        return ProviderError(f"Kling could not sign in. {KEYS_HINT}.", code=str(code))
    return ProviderError(f"Kling answered with error {code} (HTTP {http_status}){raw}.", code=str(code))
