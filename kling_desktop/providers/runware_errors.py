"""Runware's error shapes → one plain-language ProviderError that says what happened and what to do next.

Messages are for the artist: they never contain a key (the client never puts one in them, and the server's
own text is scrubbed of every known secret by ``core/redact.py`` before it is quoted).
"""

from __future__ import annotations

from typing import Any

from kling_desktop.core.redact import scrub_json
from kling_desktop.providers.base import ProviderError

AUTH = frozenset({"invalidApiKey", "missingApiKey"})
NOT_FOUND = frozenset({"taskFailedOrNotFound", "taskNotFound"})
BUSY = frozenset(
    {
        "timeoutProvider",
        "noAvailableServer",
        "serviceUnavailable",
        "internalServerError",
        "rateLimitExceeded",
        "modelUnavailable",
    }
)
CONTENT = frozenset({"contentPolicyViolation", "nsfwContentDetected", "invalidProviderContent"})
ACCOUNT = frozenset({"invalidApiKey", "missingApiKey", "insufficientCredits", "forbidden"})
KEY_HINT = "Open Settings → Providers and paste a valid Runware key"


def error_items(body: Any) -> list[dict[str, Any]]:
    """Both forms: top-level ``errors`` (or ``error``, or a bare list) and ``data`` items with
    ``status: "error"`` (their embedded ``error`` object merged in)."""
    if isinstance(body, list):
        return [e for e in body if isinstance(e, dict) and (e.get("code") or e.get("error"))]
    if not isinstance(body, dict):
        return []
    out: list[dict[str, Any]] = []
    errs = body.get("errors", body.get("error"))
    if isinstance(errs, dict):
        errs = [errs]
    if isinstance(errs, list):
        out += [e for e in errs if isinstance(e, dict)]
    data = body.get("data")
    for item in data if isinstance(data, list) else [data] if isinstance(data, dict) else []:
        if isinstance(item, dict) and item.get("status") == "error":
            inner = item.get("error")
            out.append({**item, **(inner if isinstance(inner, dict) else {})})
    return out


def _param(err: dict[str, Any]) -> str:
    param = err.get("parameter")
    if isinstance(param, list):  # the CLI notes it can be an array of names
        param = ", ".join(str(p) for p in param)
    return str(param) if param else ""


def is_account_error(error: ProviderError) -> bool:
    """Key or balance problems: they say nothing about the task itself (it may still be running)."""
    return error.code in ACCOUNT


def to_provider_error(
    err: dict[str, Any], http_status: int | None = None, *, polling: bool = False
) -> ProviderError:
    """``polling``: the error came from getResponse, i.e. the task itself ended in failure at Runware."""
    err = scrub_json(err)  # no remembered secret survives in the server's words (the client scrubs first)
    code = str(err.get("code") or "")
    raw = str(err.get("message") or "").strip().rstrip(".")
    param = _param(err)
    allowed = err.get("allowedValues")
    if code in AUTH or http_status == 401:
        return ProviderError(
            f"Runware rejected the API key. {KEY_HINT}, then press Retry.", code=code or "invalidApiKey"
        )
    if http_status == 403 or code == "forbidden":
        return ProviderError(
            f"Runware says this API key may not do this ({raw or 'forbidden'}). Check the key's "
            "permissions at my.runware.ai or use another key.",
            code="forbidden",
        )
    if "credit" in code.lower() or "balance" in code.lower() or http_status == 402:
        return ProviderError(
            "Your Runware account has no credit left. Top it up at my.runware.ai, then press Retry.",
            code="insufficientCredits",
        )
    if code in NOT_FOUND:
        return ProviderError(
            "Runware does not know this task (it never arrived, or it expired).",
            code=code,
            never_received=True,
        )
    if code == "conflictTaskUUID":
        return ProviderError("Runware already received this task.", code=code)
    if code in CONTENT:
        detail = str(err.get("responseContent") or raw or "no reason given").rstrip(".")
        return ProviderError(
            f"The provider refused the content: {detail}. Change the prompt or the images, then press Retry.",
            code=code,
        )
    if polling:
        what = raw or code or "no reason given"
        return ProviderError(
            f"Runware could not finish this task: {what}. Nothing was delivered; press Retry to "
            "send it again.",
            code=code or "taskFailed",
            may_have_billed=True,
        )
    if code in BUSY or (http_status or 0) >= 500 or http_status in (408, 429):
        return ProviderError(
            f"Runware is busy ({raw or code or f'HTTP {http_status}'}). The app will try again.",
            code=code or f"http{http_status}",
            retryable=True,
        )
    where = f" (parameter {param})" if param else ""
    allowed_text = (
        f" Allowed: {', '.join(str(a) for a in allowed)}." if isinstance(allowed, list) and allowed else ""
    )
    sentence = raw or "Runware could not run this task"
    return ProviderError(
        f"Runware refused the request: {sentence}{where}.{allowed_text} Change it, then press Retry.",
        code=code or "error",
    )
