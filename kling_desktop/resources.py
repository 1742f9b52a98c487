"""Files shipped with the package: the app icon (SVG and PNGs), the .desktop entry, the AppStream metainfo.

No Qt here: the paths are plain files in ``kling_desktop/resources/`` (package data, also inside the
PyInstaller bundle). Their sources are in the repository's ``resources/``; ``tools/render_icons.py``
renders the PNGs and copies everything here.
"""

from __future__ import annotations

from pathlib import Path

from kling_desktop import APP_ID

HERE = Path(__file__).resolve().parent / "resources"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the package data")
    return path


def icon_path(size: int | None = None) -> Path:
    """The SVG icon, or the PNG of ``size`` pixels (one of ``ICON_SIZES``)."""
    if size is None:
        return _existing(HERE / "kling-desktop.svg")
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; sizes are {', '.join(map(str, ICON_SIZES))}")
    return _existing(HERE / f"kling-desktop-{size}.png")


def desktop_file() -> Path:
    """The freedesktop.org ``.desktop`` entry."""
    return _existing(HERE / f"{APP_ID}.desktop")


def metainfo_file() -> Path:
    """The AppStream metainfo (``.metainfo.xml``)."""
    return _existing(HERE / f"{APP_ID}.metainfo.xml")
