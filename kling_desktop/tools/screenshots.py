"""``python -m kling_desktop.tools.screenshots OUTDIR``: the window in its main states, offscreen, as PNGs."""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    from kling_desktop.ui.screenshots import main

    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
