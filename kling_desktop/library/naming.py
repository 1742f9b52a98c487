"""Names and sizes people read: file names for exports and drag-outs, and byte sizes with sense."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from pathlib import PurePath

from kling_desktop.core.units import format_size
from kling_desktop.library.records import Clip

# Characters some file system refuses (Windows is the strictest), control characters, and runs of spaces.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_SPACES = re.compile(r"\s+")
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
MAX_STEM = 120  # characters; with the extension and a counter well under every file system's 255 bytes
PROMPT_WORDS = 8


def safe_stem(text: str, max_len: int = MAX_STEM) -> str:
    """``text`` as a file name stem that every common file system accepts (NFC, no reserved characters or
    names, no leading/trailing dots or spaces, at most ``max_len`` characters and 200 UTF-8 bytes)."""
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", _UNSAFE.sub(" ", text)).strip(" .")
    text = text[:max_len].rstrip(" .")
    while len(text.encode("utf-8")) > 200:
        text = text[:-1].rstrip(" .")
    if text.split(".")[0].upper() in _RESERVED:
        text = f"_{text}"
    return text or "clip"


def readable_stem(clip: Clip) -> str:
    """``2026-11-23 KlingAI 2.1 Pro - A red kite over the dunes`` — date, model, start of the prompt."""
    date = clip.created_at[:10] if re.match(r"\d{4}-\d{2}-\d{2}", clip.created_at) else ""
    model = clip.model_name or ("Imported" if clip.source == "imported" else "")
    words = (clip.prompt or clip.title or PurePath(clip.path).stem).split()
    prompt = " ".join(words[:PROMPT_WORDS])
    head = " ".join(p for p in (date, model) if p)
    return safe_stem(" - ".join(p for p in (head, prompt) if p))


def readable_name(clip: Clip) -> str:
    """The readable file name of a clip, with its file's extension (lower case)."""
    return readable_stem(clip) + PurePath(clip.path).suffix.lower()


def unique_name(name: str, taken: Container[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… — the first that is not in ``taken`` (compared case-blind,
    since macOS and Windows file systems are)."""
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    candidate, n = name, 1
    while candidate in taken or candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    return candidate


__all__ = ["format_size", "readable_name", "readable_stem", "safe_stem", "unique_name"]
