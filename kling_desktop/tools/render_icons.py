"""Render resources/icons/kling-desktop.svg to PNGs (16–512 px): ``python -m kling_desktop.tools.render_icons``."""

from __future__ import annotations

import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256, 512)

if __name__ == "__main__":
    from kling_desktop.ui.icons import render_pngs

    root = Path(__file__).resolve().parents[2]
    written = render_pngs(root / "resources" / "icons" / "kling-desktop.svg", root / "resources" / "icons", SIZES)
    print("\n".join(map(str, written)))
    sys.exit(0)
