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
