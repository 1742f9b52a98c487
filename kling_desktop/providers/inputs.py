"""Local input files as the providers read them: checked again at send time (never a FIFO, device or loop).

The form and the CLI check every input before a job is made, but a job resumed later may find an input
replaced; the providers read files only through ``readable_input``.
"""

from __future__ import annotations

from pathlib import Path

from kling_desktop.core.input_file import InputFileError, check_input_file
from kling_desktop.providers.base import ProviderError


def readable_input(path: str | Path) -> Path:
    """The path, once it is a readable regular file; else a ProviderError that names the file and says why."""
    try:
        check_input_file(path)
    except InputFileError as exc:
        raise ProviderError(f"Input {exc.path.name}: {exc.reason}.", code="inputFile") from None
    return Path(path)
