"""Desktop integration files validate with Debian's tools; icons exist at every size; the spec is wired."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from kling_desktop import APP_ID, __version__
from kling_desktop.resources import desktop_file, icon_path, metainfo_file

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: ./dev installs it (Debian package list in ./dev)"
    return path


def test_desktop_entry_validates() -> None:
    for f in (ROOT / "resources" / f"{APP_ID}.desktop", desktop_file()):
        result = subprocess.run([_tool("desktop-file-validate"), str(f)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "error" not in result.stdout.lower()


def test_metainfo_validates() -> None:
    result = subprocess.run([_tool("appstreamcli"), "validate", "--no-net", str(metainfo_file())],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'version="{__version__}"' in metainfo_file().read_text()


@pytest.mark.parametrize("size", [16, 32, 48, 64, 128, 256, 512])
def test_icon_pngs(size: int) -> None:
    with Image.open(icon_path(size)) as im:
        assert im.size == (size, size) and im.mode == "RGBA"
    assert icon_path().read_text().startswith("<svg")


def test_pyinstaller_spec_is_wired() -> None:
    spec = (ROOT / "packaging" / "kling-desktop.spec").read_text()
    compile(spec, "kling-desktop.spec", "exec")
    assert "packaging\" / \"entry.py" in spec and "COLLECT" in spec
    assert "from kling_desktop.cli import main" in (ROOT / "packaging" / "entry.py").read_text()
    assert "./dev bundle" in (ROOT / ".ci" / "run").read_text()  # CI builds the bundle and runs its self-test


def test_self_test_runs_offscreen(tmp_path) -> None:
    import os
    import sys

    env = {**os.environ, "KLING_DESKTOP_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "kling_desktop", "--self-test"], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "self-test: OK" in result.stdout


def test_version_flag() -> None:
    import sys

    result = subprocess.run([sys.executable, "-m", "kling_desktop", "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == f"kling-desktop {__version__}"
