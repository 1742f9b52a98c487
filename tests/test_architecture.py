"""The layers hold: import-linter's contracts (``[tool.importlinter]`` in pyproject.toml) say who may import
whom (catalog <- core <- render <- providers <- jobs | library <- services <- ui <- app <- cli), that nothing
outside the widgets imports Qt, and that the app never imports the emulator. Modules stay small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "kling_desktop"


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout, result.stdout[-2000:]


# Data tables, not logic: the 25 model specifications, one formatted entry per field of the specification.
DATA_MODULES = {"kling_desktop/catalog/models.py"}


def test_modules_stay_small() -> None:
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in PKG.rglob("*.py")}
    too_big = {
        name: n
        for p, n in sizes.items()
        if n > 450 and (name := str(p.relative_to(PKG.parent))) not in DATA_MODULES
    }
    assert too_big == {}
