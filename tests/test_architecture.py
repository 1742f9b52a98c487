"""Everything outside kling_desktop/ui/ must import no Qt (so the core runs headless and testable)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "kling_desktop"
QT_ROOTS = {"PySide6", "shiboken6", "qasync", "PyQt5", "PyQt6"}
# The composition root and the self-test are allowed to start Qt; they are the app's entry points.
ALLOWED = {PKG / "app.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_qt_outside_ui() -> None:
    offenders = []
    checked = 0
    for path in PKG.rglob("*.py"):
        if (PKG / "ui") in path.parents or path in ALLOWED:
            continue
        checked += 1
        if bad := _imports(path) & QT_ROOTS:
            offenders.append(f"{path.relative_to(PKG.parent)} imports {sorted(bad)}")
    assert checked > 10
    assert offenders == []


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
