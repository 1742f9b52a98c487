"""The Kling error-code table (protocols/kling.md §5.4) in plain language."""

from __future__ import annotations

from kling_desktop.providers.base import ProviderError

CONCURRENCY_WAIT = 2.0  # seconds before asking again after 1303; the job waits, it does not fail


def kling_error(code: int, message: str, http_status: int | None = None) -> ProviderError:
    raw = f" ({message})" if message else ""
    if 1000 <= code <= 1004:
        return ProviderError("The Kling API refused the keys. Check the access key and secret key in Settings → "
                             f"Providers{raw}.", code=str(code))
    if code in (1101, 1102):
        return ProviderError("Your Kling account has no credits left (resource pack used up or expired). Top it "
                             "up, then press Retry.", code=str(code))
    if code in (1100, 1103):
        return ProviderError(f"Your Kling account cannot use this model or API{raw}.", code=str(code))
    if code == 1303:
        return ProviderError("Kling's concurrency limit is reached; the job waits for a free slot.", code="1303",
                             retryable=True, retry_after=CONCURRENCY_WAIT)
    if code == 1302:
        return ProviderError("Kling asks to slow down; the app waits and retries.", code="1302", retryable=True,
                             retry_after=CONCURRENCY_WAIT)
    if code in (1300, 1301):
        return ProviderError(f"Kling's content policy refused this request{raw}. Change the prompt or images.",
                             code=str(code))
    if code in (1202, 1203) or http_status == 404:
        return ProviderError("Kling does not know this task (it never arrived).", code=str(code),
                             never_received=True)
    if 1200 <= code <= 1201:
        return ProviderError(f"Kling rejected a parameter{raw}.", code=str(code))
    if code >= 5000:
        return ProviderError(f"Kling had a server problem{raw}; the app retries.", code=str(code), retryable=True)
    return ProviderError(f"Kling answered with error {code}{raw}.", code=str(code))
