"""Runware's error shapes → one plain-language ProviderError."""

from __future__ import annotations

from typing import Any

from kling_desktop.providers.base import ProviderError

AUTH = {"invalidApiKey", "missingApiKey"}
NOT_FOUND = {"taskFailedOrNotFound"}
RETRYABLE = {"timeoutProvider", "noAvailableServer", "serviceUnavailable", "internalServerError",
             "rateLimitExceeded", "modelUnavailable"}


def error_items(body: Any) -> list[dict[str, Any]]:
    """Both forms: top-level ``errors`` (or ``error``) and ``data`` items with ``status: "error"``."""
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


def to_provider_error(err: dict[str, Any], http_status: int | None = None) -> ProviderError:
    code = str(err.get("code") or "")
    raw = str(err.get("message") or "").strip()
    param = err.get("parameter")
    allowed = err.get("allowedValues")
    if code in AUTH or http_status == 401:
        return ProviderError("Runware rejected the API key. Open Settings → Providers and paste a valid Runware key.",
                             code=code or "invalidApiKey")
    if "credit" in code.lower() or "balance" in code.lower() or http_status == 402:
        return ProviderError("Your Runware account has no credit left. Top it up at runware.ai, then press Retry.",
                             code=code or "insufficientCredits")
    if code in NOT_FOUND:
        return ProviderError("Runware does not know this task (it never arrived, or it expired).", code=code,
                             never_received=True)
    if code == "conflictTaskUUID":
        return ProviderError("Runware already has this task.", code=code)
    if code in RETRYABLE:
        return ProviderError(f"Runware is busy or the model timed out ({raw or code}). The app will retry.",
                             code=code, retryable=True, may_have_billed=False)
    if code in ("contentPolicyViolation", "nsfwContentDetected", "invalidProviderContent"):
        detail = err.get("responseContent") or raw
        return ProviderError(f"The provider refused the content: {detail}. Change the prompt or the images and "
                             "retry.", code=code)
    where = f" (parameter {param})" if param else ""
    allowed_text = f" Allowed: {allowed}." if allowed else ""
    sentence = raw or "Runware could not run this task."
    return ProviderError(f"Runware: {sentence}{where}.{allowed_text}".replace("..", "."), code=code or "error")
