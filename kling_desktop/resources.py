"""Files shipped with the package: icons, the .desktop entry, AppStream metainfo."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent / "resources"
APP_ID = "io.github.kling_desktop.KlingDesktop"


def icon_path(size: int | None = None) -> Path:
    path = HERE / (f"kling-desktop-{size}.png" if size else "kling-desktop.svg")
    if not path.exists():
        raise FileNotFoundError(path)
    return path


def desktop_file() -> Path:
    return HERE / f"{APP_ID}.desktop"


def metainfo_file() -> Path:
    return HERE / f"{APP_ID}.metainfo.xml"
