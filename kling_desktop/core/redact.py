"""One scrub for every text a server sends: no known secret (nor an obvious encoding of one) is kept or shown.

A server may echo what it received — the key, the ``Authorization`` header, a token — in an error message,
a status text or any other field. Every provider passes what it parsed from a reply through ``scrub_json``
(or a single text through ``scrub``) before the text reaches a ``ProviderError``, the journal, a log or the
window. The secrets scrubbed are the ones given to the call plus every one ``remember``-ed in this process
(keys read from the keyring or taken from the environment at start-up).

Encodings covered: the raw text (any letter case), URL-encoding, JSON/backslash escapes, hexadecimal, and
base64 (standard and URL-safe, with or without padding, at each of the three byte alignments a secret can
have inside a longer encoded value, so ``base64("user:" + key)`` is caught too).
"""

from __future__ import annotations

import base64
import functools
import json
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_LENGTH = 6  # shorter values would blank ordinary words; real keys and tokens are far longer

_lock = threading.Lock()
_known: set[str] = set()


def remember(*secrets: str | None) -> None:
    """Scrub these from every server text from now on (this process only; nothing is written anywhere)."""
    with _lock:
        _known.update(s for s in secrets if s and len(s) >= MIN_LENGTH)


def forget_all() -> None:
    """Tests only: start from no remembered secret."""
    with _lock:
        _known.clear()


def _base64_forms(raw: bytes) -> set[str]:
    """The base64 text a secret always produces, whatever bytes come before or after it in the encoded value.

    Inside a longer value the secret starts at byte offset 0, 1 or 2 of a 3-byte group; a base64 character
    holds 6 bits, and only the characters whose 6 bits all come from the secret are the same every time.
    """
    out: set[str] = set()
    n = len(raw)
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        first, last = -(-8 * offset // 6), 8 * (offset + n) // 6  # characters wholly inside the secret
        if last - first >= MIN_LENGTH:
            out.add(encoded[first:last])
    whole = base64.b64encode(raw).decode()
    out |= {whole, whole.rstrip("=")}
    return out | {f.replace("+", "-").replace("/", "_") for f in out}


def _forms(secret: str) -> set[str]:
    raw = secret.encode()
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        secret.encode("unicode_escape").decode(),
        raw.hex(),
    }
    forms |= _base64_forms(raw)
    return {f for f in forms if len(f) >= MIN_LENGTH}


@functools.lru_cache(maxsize=64)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    forms: set[str] = set()
    for s in secrets:
        if s and len(s) >= MIN_LENGTH:
            forms |= _forms(s)
    if not forms:
        return None
    # Longest first, so a whole encoded form is masked rather than the shorter form inside it.
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)), re.IGNORECASE)


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every form of every known secret (remembered, plus ``secrets``) replaced by ``***``."""
    if not text:
        return text
    with _lock:
        known = set(_known)
    pattern = _pattern(frozenset(known | {s for s in secrets if s}))
    return pattern.sub(MASK, text) if pattern else text


def scrub_json(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """A parsed JSON reply with every string (keys of objects too) scrubbed; the structure is kept."""
    with _lock:
        known = set(_known)
    pattern = _pattern(frozenset(known | {s for s in secrets if s}))
    if pattern is None:
        return value

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return pattern.sub(MASK, v)
        if isinstance(v, dict):
            return {walk(k) if isinstance(k, str) else k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return walk(value)
