"""``kling-desktop gallery`` as a subprocess: import, rebuild (imported clips and favourites kept), list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from media_factory import make_mp4

from kling_desktop.library.store import LibraryStore


def gallery(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KLING_DESKTOP_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "kling_desktop", "gallery", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_rebuild_from_the_command_line_keeps_imported_clips_and_favourites(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", tmp_path / "footage"
    folder.mkdir()
    make_mp4(folder / "holiday.mp4", 160, 90, 1.0)
    imported = gallery("import", str(folder), home=home)
    assert imported.returncode == 0 and "added 1" in imported.stdout, imported.stderr
    (clip,) = json.loads(gallery("list", "--json", home=home).stdout)
    store = LibraryStore(home / "data" / "library.sqlite", home / "library")  # the window marks favourites
    store.update(clip["id"], favourite=True, tags="summer")

    rebuilt = gallery("rebuild", home=home)

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "1 imported clip(s)" in rebuilt.stdout
    (after,) = json.loads(gallery("list", "--json", home=home).stdout)
    assert (after["id"], after["favourite"], after["tags"], after["source"]) == (
        clip["id"],
        True,
        "summer",
        "imported",
    )
    listed = gallery("list", home=home).stdout
    assert "holiday" in listed and " KB " in listed  # sizes read as people read them
