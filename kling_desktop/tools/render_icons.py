"""Render the app icon SVG to PNGs (16–512 px) and refresh the package's copy of the desktop files.

``QT_QPA_PLATFORM=offscreen python -m kling_desktop.tools.render_icons``

Sources live in ``resources/`` (the SVG in ``resources/icons/``, the ``.desktop`` entry and the AppStream
metainfo beside it). The PNGs are written next to the SVG, then the SVG, the PNGs and both desktop files are
copied into ``kling_desktop/resources/`` so the running app (and the bundle) ships them as package data.
The QSvgRenderer code lives in ``kling_desktop.ui.icons`` (Qt stays under ``ui/``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from kling_desktop import APP_ID

SIZES = (16, 32, 48, 64, 128, 256, 512)
ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "resources"
PACKAGE = ROOT / "kling_desktop" / "resources"


def main() -> int:
    from kling_desktop.ui.icons import render_pngs

    svg = SOURCES / "icons" / "kling-desktop.svg"
    written = render_pngs(svg, svg.parent, SIZES)
    PACKAGE.mkdir(exist_ok=True)
    for src in [svg, *written, SOURCES / f"{APP_ID}.desktop", SOURCES / f"{APP_ID}.metainfo.xml"]:
        shutil.copyfile(src, PACKAGE / src.name)
        print(PACKAGE / src.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
