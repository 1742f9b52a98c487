"""Desktop integration and the bundle: the .desktop entry and AppStream metainfo pass Debian's validators, the
icon exists at every size, the package ships the same files, and the PyInstaller spec is wired to the CLI.

The bundle itself (a PyInstaller build, then its ``--version`` and ``--self-test``) is built only when
``KLING_DESKTOP_BUNDLE_TEST=1``; without it, ``test_bundle`` still loads the spec and checks what it builds.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from kling_desktop import APP_ID, __version__
from kling_desktop.resources import ICON_SIZES, desktop_file, icon_path, metainfo_file

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "resources"
SPEC = ROOT / "packaging" / "kling-desktop.spec"


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: ./dev installs it (Debian packages desktop-file-utils, appstream)"
    return path


def _run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, **kwargs)


def _self_test(binary: list[str], home: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``--self-test`` offscreen; if it hangs, fail with every thread's Python stack (faulthandler)."""
    env = {
        **os.environ,
        "KLING_DESKTOP_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONFAULTHANDLER": "1",
    }
    proc = subprocess.Popen(
        [*binary, "--self-test"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(
            signal.SIGABRT
        )  # faulthandler prints the stacks of all threads, then the process dies
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        pytest.fail(f"--self-test still running after {timeout:.0f} s\n{out[-1500:]}\n{err[-6000:]}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("path", [SOURCES / f"{APP_ID}.desktop", desktop_file()], ids=["source", "package"])
def test_desktop_entry_validates(path: Path) -> None:
    result = _run(_tool("desktop-file-validate"), str(path))
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr
    entry = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    script = next(iter(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]))
    assert entry["Exec"].split()[0] == script == "kling-desktop"
    assert entry["Icon"] == APP_ID and entry["Type"] == "Application"


@pytest.mark.parametrize(
    "path", [SOURCES / f"{APP_ID}.metainfo.xml", metainfo_file()], ids=["source", "package"]
)
def test_metainfo_validates(path: Path) -> None:
    result = _run(_tool("appstreamcli"), "validate", "--no-net", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    root = ET.parse(path).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("provides/binary") == "kling-desktop"
    assert [r.get("version") for r in root.iter("release")][0] == __version__
    assert root.find("content_rating") is not None and root.findtext("summary")


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png(size: int) -> None:
    with Image.open(icon_path(size)) as im:
        assert (im.format, im.size, im.mode) == ("PNG", (size, size), "RGBA")
        alpha = im.getchannel("A")
        assert alpha.getpixel((0, 0)) == 0, "corners are transparent (rounded tile)"
        assert alpha.getpixel((size // 2, size // 2)) == 255, "the middle is painted"


def test_icon_svg() -> None:
    svg = ET.parse(icon_path()).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 256 256"


def test_package_ships_the_sources() -> None:
    """kling_desktop/resources/ is a copy of resources/ (refresh with tools/render_icons.py)."""
    pairs = [(SOURCES / "icons" / p.name, p) for p in [icon_path(), *map(icon_path, ICON_SIZES)]]
    pairs += [(SOURCES / p.name, p) for p in (desktop_file(), metainfo_file())]
    stale = [src.name for src, shipped in pairs if src.read_bytes() != shipped.read_bytes()]
    assert stale == [], "run: python tools/render_icons.py"


def test_version_flag() -> None:
    result = _run(sys.executable, "-m", "kling_desktop", "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"kling-desktop {__version__}"


def test_self_test_runs_offscreen(tmp_path: Path) -> None:
    result = _self_test([sys.executable, "-m", "kling_desktop"], tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "self-test: OK" in result.stdout
    frozen = re.search(r"heap: (\d+) start-up objects frozen", result.stdout)
    # the start-up heap is out of the garbage collector's walk
    assert frozen and int(frozen.group(1)) > 10_000, result.stdout


class _Target:
    """Stands in for PyInstaller's Analysis/PYZ/EXE/COLLECT: records what the spec asks for."""

    made: list[_Target] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.kind, self.args, self.kwargs = type(self).__name__, args, kwargs
        self.binaries: list[tuple[str, str, str]] = [
            ("libQt6VirtualKeyboard.so.6", "x", "BINARY"),
            ("libQt6Core.so.6", "x", "BINARY"),
        ]
        self.datas: list[tuple[str, str, str]] = []
        self.pure = self.scripts = self.zipfiles = ()
        _Target.made.append(self)


def _load_spec(monkeypatch: pytest.MonkeyPatch) -> dict[str, _Target]:
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, filter=None: [f"{package}.*"]  # type: ignore[attr-defined]
    hooks.collect_data_files = lambda package, includes=(): [(f"{package}/{i}", package) for i in includes]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda dist: [(f"{dist}.dist-info", ".")]  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    _Target.made = []
    names = {n: type(n, (_Target,), {}) for n in ("Analysis", "PYZ", "EXE", "COLLECT")}
    code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    exec(code, {"SPECPATH": str(SPEC.parent), "__file__": str(SPEC), **names})
    return {t.kind: t for t in _Target.made}


def _spec_is_wired(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _load_spec(monkeypatch)
    assert set(built) == {"Analysis", "PYZ", "EXE", "COLLECT"}
    analysis = built["Analysis"]
    entry = Path(analysis.args[0][0])
    assert entry == ROOT / "packaging" / "entry.py"
    assert (
        "from kling_desktop.cli import main" in entry.read_text() and "sys.exit(main())" in entry.read_text()
    )
    hidden = analysis.kwargs["hiddenimports"]
    assert {"kling_desktop.*", "keyring.backends.*", "qasync", "PySide6.QtMultimedia"} <= set(hidden)
    assert ("kling_desktop/resources/*", "kling_desktop") in analysis.kwargs["datas"]
    assert "PySide6.QtWebEngineCore" in analysis.kwargs["excludes"]
    assert [b[0] for b in analysis.binaries] == ["libQt6Core.so.6"]  # the virtual keyboard is dropped
    assert built["EXE"].kwargs["name"] == built["COLLECT"].kwargs["name"] == "kling-desktop"


@pytest.mark.timeout(2400)
def test_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Always: the spec loads and builds the CLI's entry point. With KLING_DESKTOP_BUNDLE_TEST=1: build and run it."""
    _spec_is_wired(monkeypatch)
    if os.environ.get("KLING_DESKTOP_BUNDLE_TEST") != "1":
        return
    env = {**os.environ, "KLING_DESKTOP_BUNDLE_NO_CHECK": "1"}
    build = _run("bash", str(ROOT / "packaging" / "build.sh"), env=env, timeout=1800)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    binary = ROOT / "dist" / "kling-desktop" / "kling-desktop"
    shipped = binary.parent / "_internal" / "kling_desktop" / "resources"
    assert (shipped / f"{APP_ID}.desktop").is_file() and (shipped / "kling-desktop-256.png").is_file()
    assert list((binary.parent / "_internal" / "PySide6" / "Qt" / "plugins" / "multimedia").glob("*ffmpeg*"))
    version = _run(str(binary), "--version", timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == f"kling-desktop {__version__}"
    selftest = _self_test([str(binary)], tmp_path)
    assert selftest.returncode == 0, selftest.stdout[-2000:] + selftest.stderr[-2000:]
    assert "self-test: OK" in selftest.stdout and "playback: position" in selftest.stdout
