"""Words people read: model names instead of AIR ids, provider labels, sizes with sense."""

from __future__ import annotations

from functools import lru_cache

from kling_desktop.providers.registry import provider_label


@lru_cache(maxsize=256)
def model_label(air_id: str) -> str:
    """ "Kling 2.1 Pro" for "klingai:5@2"; an id the catalog does not know reads "Other model"."""
    if not air_id:
        return ""
    from kling_desktop.catalog.models import UnknownModel, get_model

    try:
        return get_model(air_id).name
    except UnknownModel:
        return "Other model"


def provider_name(name: str) -> str:
    return provider_label(name) if name else "Imported"


def human_size(n: int | None) -> str:
    """ "12 KB", "3.4 MB", "1.2 GB" — never "0.0 MB"."""
    if not n or n < 0:
        return ""
    if n < 1024:
        return f"{n} bytes"
    size = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        size /= 1024
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if size >= 10 or unit == "KB" else f"{size:.1f} {unit}"
    return ""
