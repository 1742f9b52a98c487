"""The bundle carries the app only: no emulator (with its test keys), no repository tools, no tests.

Always: the modules the spec collects (its hidden imports, expanded the way PyInstaller expands them, plus
every first-party module they import) and the package data it ships are checked. After a build,
``KLING_DESKTOP_BUNDLE_BUILT=1`` checks the built bundle's own module tables too (``.ci/run`` does this right
after ``./dev bundle``).
"""

from __future__ import annotations

import ast
import os
import pkgutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import kling_desktop
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, RUNWARE_TEST_KEY

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "kling-desktop.spec"
TEST_KEYS = (RUNWARE_TEST_KEY, KLING_TEST_ACCESS, KLING_TEST_SECRET)
FIRST_PARTY = ("kling_desktop", "kling_emulator", "tools", "tests")
FORBIDDEN = ("kling_emulator", "tools", "tests")


def _submodules(package: str, filter: Any = None) -> list[str]:
    """What PyInstaller's collect_submodules returns for a first-party package: the package and every
    module under it, by walking its folder."""
    if package != "kling_desktop":
        return [package]
    names = ["kling_desktop"] + [
        m.name
        for m in pkgutil.walk_packages(kling_desktop.__path__, "kling_desktop.", onerror=lambda _: None)
    ]
    return [n for n in names if filter is None or filter(n)]


class _Recorder:
    made: dict[str, _Recorder] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        self.binaries: list[Any] = []
        self.datas: list[Any] = []
        self.pure = self.scripts = ()
        _Recorder.made[type(self).__name__] = self


def _spec(monkeypatch: pytest.MonkeyPatch) -> dict[str, _Recorder]:
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = _submodules  # type: ignore[attr-defined]
    hooks.collect_data_files = lambda package, includes=(): [  # type: ignore[attr-defined]
        (str(p), package)
        for pattern in includes
        for p in (Path(sys.modules[package].__file__).parent).glob(pattern)  # type: ignore[arg-type]
        if p.is_file()
    ]
    hooks.copy_metadata = lambda dist: []  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    _Recorder.made = {}
    names = {n: type(n, (_Recorder,), {}) for n in ("Analysis", "PYZ", "EXE", "COLLECT")}
    exec(
        compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), {"SPECPATH": str(SPEC.parent), **names}
    )
    return _Recorder.made


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _first_party_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in found if n.split(".")[0] in FIRST_PARTY}


def collected_modules(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The first-party modules the bundle would hold: the entry point's imports and the hidden imports,
    followed through every import (lazy ones inside functions included). The spec's excludes are not
    applied: a module the app imports must not be one of the repository's tools, excluded or not."""
    analysis = _spec(monkeypatch)["Analysis"]
    todo = [n for n in analysis.kwargs["hiddenimports"] if n.split(".")[0] in FIRST_PARTY]
    todo += sorted(_first_party_imports(Path(analysis.args[0][0])))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if (path := _module_file(name)) is not None:
            todo += sorted(_first_party_imports(path))
    return {n for n in seen if _module_file(n) is not None}


def test_the_spec_collects_the_app_and_nothing_of_the_repositorys_tools(monkeypatch) -> None:
    modules = collected_modules(monkeypatch)
    assert {"kling_desktop.cli", "kling_desktop.ui.main_window", "kling_desktop.providers.runware"} <= modules
    assert [m for m in modules if m.split(".")[0] in FORBIDDEN] == []
    assert set(FORBIDDEN) <= set(_spec(monkeypatch)["Analysis"].kwargs["excludes"])


def test_no_collected_module_or_data_file_holds_a_test_key(monkeypatch) -> None:
    files = [_module_file(m) for m in collected_modules(monkeypatch)]
    files += [Path(src) for src, _dest in _spec(monkeypatch)["Analysis"].kwargs["datas"]]
    assert len(files) > 50
    holding = [
        str(f) for f in files if f is not None and any(k.encode() in f.read_bytes() for k in TEST_KEYS)
    ]
    assert holding == []


@pytest.mark.skipif(
    os.environ.get("KLING_DESKTOP_BUNDLE_BUILT") != "1", reason="needs a built bundle: .ci/run checks it"
)
def test_the_built_bundle_has_no_emulator() -> None:
    """PyInstaller's own tables of what it put in dist/ (built by packaging/build.sh)."""
    work = ROOT / "build" / "pyinstaller" / "kling-desktop"
    tables = [work / "PYZ-00.toc", work / "Analysis-00.toc"]
    assert all(t.is_file() for t in tables), "build the bundle first (bash packaging/build.sh)"
    for table in tables:
        text = table.read_text(encoding="utf-8", errors="replace")
        assert "kling_desktop" in text
        assert not any(k in text for k in TEST_KEYS)
    # The collected modules: PYZ-00 lists them (Analysis-00 also holds the spec's exclude list, which names them).
    pyz = tables[0].read_text(encoding="utf-8", errors="replace")
    assert not any(f"'{name}" in pyz for name in ("kling_emulator", "tools.", "tests.")), tables[0]
    bundle = ROOT / "dist" / "kling-desktop" / "_internal"
    assert not list(bundle.rglob("kling_emulator*"))
