"""Settings (never keys): provider base URLs, library folder, default provider, concurrency. A JSON file,
atomic writes.

Which providers exist, their default addresses and the environment variables that override them are the
providers' business (``providers/descriptors.py``); here they are plain values keyed by provider name.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator

# Files written by release 0.1.0 kept each address in its own field.
_OLD_URL_FIELDS = {"runware_url": "runware", "kling_url": "kling"}


class Settings(BaseModel):
    base_urls: dict[str, str] = Field(default_factory=dict)  # provider name -> address; absent: its default
    library_folder: str = ""  # empty: AppPaths.library
    default_provider: str = "local"  # the provider the form and the CLI pick unless told otherwise
    concurrency: dict[str, int] = Field(default_factory=dict)  # absent: the provider's own limit

    @model_validator(mode="before")
    @classmethod
    def _read_old_fields(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(k in data for k in _OLD_URL_FIELDS):
            data = dict(data)
            urls = dict(data.get("base_urls") or {})
            for old, name in _OLD_URL_FIELDS.items():
                if value := data.pop(old, None):
                    urls.setdefault(name, value)
            data["base_urls"] = urls
        return data

    @classmethod
    def load(cls, path: Path) -> Settings:
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return cls()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.model_dump(), fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
