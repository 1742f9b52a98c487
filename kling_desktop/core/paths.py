"""Where the app keeps its data. ``KLING_DESKTOP_HOME`` overrides the whole root (tests use it)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_DIR_NAME = "kling-desktop"


@dataclass(frozen=True)
class AppPaths:
    config: Path  # settings.json
    data: Path  # jobs.sqlite, library.sqlite
    library: Path  # media files, sidecars
    cache: Path  # thumbnails, upload cache, partial downloads
    logs: Path

    @classmethod
    def default(cls) -> AppPaths:
        home = os.environ.get("KLING_DESKTOP_HOME")
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root / "config", root / "data", root / "library", root / "cache", root / "logs")
        return cls(
            Path(platformdirs.user_config_dir(APP_DIR_NAME)),
            Path(platformdirs.user_data_dir(APP_DIR_NAME)),
            Path(platformdirs.user_data_dir(APP_DIR_NAME)) / "library",
            Path(platformdirs.user_cache_dir(APP_DIR_NAME)),
            Path(platformdirs.user_log_dir(APP_DIR_NAME)),
        )

    def ensure(self) -> AppPaths:
        for p in (self.config, self.data, self.library, self.cache, self.logs):
            p.mkdir(parents=True, exist_ok=True)
        return self
