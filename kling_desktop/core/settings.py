"""Settings (never keys): base URLs, library folder, default provider, concurrency. A JSON file, atomic writes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

DEFAULT_RUNWARE_URL = "https://api.runware.ai"
DEFAULT_KLING_URL = "https://api-singapore.klingai.com"


class Settings(BaseModel):
    runware_url: str = DEFAULT_RUNWARE_URL
    kling_url: str = DEFAULT_KLING_URL
    library_folder: str = ""  # empty: AppPaths.library
    default_provider: str = "local"
    concurrency: dict[str, int] = Field(default_factory=lambda: {"local": 1, "runware": 4, "kling": 2})

    def effective_runware_url(self) -> str:
        return os.environ.get("KLING_DESKTOP_RUNWARE_URL") or self.runware_url

    def effective_kling_url(self) -> str:
        return os.environ.get("KLING_DESKTOP_KLING_URL") or self.kling_url

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
