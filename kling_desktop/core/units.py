"""Quantities as a person reads them."""

from __future__ import annotations


def format_size(size_bytes: int | float | None) -> str:
    """A size as a person reads it: ``0 bytes``, ``812 bytes``, ``12 KB``, ``3.4 MB``, ``46 MB``, ``1.2 GB``
    (units of 1000, as file managers show; never ``0.0 MB``). Empty for an unknown size."""
    if size_bytes is None or size_bytes < 0:
        return ""
    if size_bytes < 1000:
        return "1 byte" if int(size_bytes) == 1 else f"{int(size_bytes)} bytes"
    n = float(size_bytes)
    units = ("KB", "MB", "GB", "TB")
    for unit in units:
        n /= 1000
        text = f"{n:.0f}" if unit == "KB" or n >= 9.95 else f"{n:.1f}"
        if float(text) < 1000 or unit == units[-1]:
            return f"{text.removesuffix('.0')} {unit}"
    raise AssertionError("unreachable")
