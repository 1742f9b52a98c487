"""Render the app icon SVG to PNGs (16–512 px) and refresh the package's copy of the desktop files.

``python tools/render_icons.py`` (offscreen: no display needed)

Sources live in ``resources/`` (the SVG in ``resources/icons/``, the ``.desktop`` entry and the AppStream
metainfo beside it). The PNGs are written next to the SVG, then the SVG, the PNGs and both desktop files are
copied into ``kling_desktop/resources/`` so the running app (and the bundle) ships them as package data.
A tool of the repository, not part of the app.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from kling_desktop import APP_ID

SIZES = (16, 32, 48, 64, 128, 256, 512)
ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "resources"
PACKAGE = ROOT / "kling_desktop" / "resources"


def render_pngs(svg: Path, out_dir: Path, sizes: tuple[int, ...]) -> list[Path]:
    renderer = QSvgRenderer(str(svg))
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"kling-desktop-{size}.png"
        image.save(str(target))
        written.append(target)
    return written


def main() -> int:
    # The offscreen platform as a command-line option of this process, not an environment variable.
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    svg = SOURCES / "icons" / "kling-desktop.svg"
    written = render_pngs(svg, svg.parent, SIZES)
    PACKAGE.mkdir(exist_ok=True)
    for src in [svg, *written, SOURCES / f"{APP_ID}.desktop", SOURCES / f"{APP_ID}.metainfo.xml"]:
        shutil.copyfile(src, PACKAGE / src.name)
        print(PACKAGE / src.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
