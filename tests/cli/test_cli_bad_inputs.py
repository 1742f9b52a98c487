"""The CLI against the hostile-input corpus: exit code 2, one sentence naming the file (as typed) and the rule,
no traceback, nothing written to the library; never a hang (every run has a timeout)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bad_inputs import CORPUS, VIDEO_CORPUS
from media_factory import make_png

IMAGE_MODEL = ["--model", "klingai:5@2"]
VIDEO_MODEL = ["--model", "klingai:kling-video@o3-pro", "--prompt", "Make the sky violet"]


def run_cli(*args: str, home: Path, cwd: Path) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak memory of that process in KB, from ``wait4``)."""
    env = {**os.environ, "KLING_DESKTOP_HOME": str(home)}
    out_path, err_path = cwd / ".cli-out", cwd / ".cli-err"
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kling_desktop", *args], cwd=cwd, env=env, stdout=out, stderr=err
        )
    deadline = time.monotonic() + 120  # a hang fails the test instead of blocking the run
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(f"the CLI hung on {args}")
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out_path.read_text(), err_path.read_text(), usage.ru_maxrss


def _assert_refused(code: int, err: str, field: str, typed: str, words: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert any(line.startswith(f"error: {field}: {typed}") and words in line for line in lines), err


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_hostile_first_frame_exits_2_with_a_sentence(tmp_path: Path, case: str) -> None:
    name, maker, words = CORPUS[case]
    maker(tmp_path / name)
    code, _, err, _ = run_cli("generate", *IMAGE_MODEL, "--first", name, home=tmp_path / "home", cwd=tmp_path)
    _assert_refused(code, err, "first_frame", name, words)
    media = tmp_path / "home" / "library" / "media"
    assert not media.exists() or not any(media.iterdir())


@pytest.mark.parametrize("case", sorted(VIDEO_CORPUS))
def test_hostile_input_video_exits_2_with_a_sentence(tmp_path: Path, case: str) -> None:
    name, maker, words = VIDEO_CORPUS[case]
    maker(tmp_path / name)
    code, _, err, _ = run_cli("generate", *VIDEO_MODEL, "--video", name, home=tmp_path / "home", cwd=tmp_path)
    _assert_refused(code, err, "input_video", name, words)


def test_relative_path_is_shown_as_typed_with_the_folder(tmp_path: Path) -> None:
    (tmp_path / "shots").mkdir()
    make_png(tmp_path / "a.png", 1280, 720)
    code, _, err, _ = run_cli(
        "generate",
        *IMAGE_MODEL,
        "--first",
        "a.png",
        "--last",
        "shots/b.png",
        home=tmp_path / "h",
        cwd=tmp_path,
    )
    assert code == 2 and "Traceback" not in err
    assert (
        f"error: last_frame: shots/b.png (looked for in {tmp_path / 'shots'}): the file does not exist."
        in err
    ), err


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    """225 MP in 0.2 MB: refused from its header; the process never holds the decoded pixels (≥ 225 MB).

    The peak is the CLI's own (``VmHWM`` of its address space, written at exit): ``ru_maxrss`` would also
    count the pages of this test process the child was forked from."""
    CORPUS["decompression bomb"][1](tmp_path / "bomb.png")
    peak_file = tmp_path / "peak.txt"
    code = (
        "import atexit, runpy, sys\n"
        "def peak():\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        f"    open({str(peak_file)!r}, 'w').write(hwm.split()[1])\n"
        "atexit.register(peak)\n"
        "sys.argv = ['kling-desktop', *sys.argv[1:]]\n"
        "runpy.run_module('kling_desktop', run_name='__main__')\n"
    )
    env = {**os.environ, "KLING_DESKTOP_HOME": str(tmp_path / "h")}
    result = subprocess.run(
        [sys.executable, "-c", code, "generate", *IMAGE_MODEL, "--first", "bomb.png"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    _assert_refused(result.returncode, result.stderr, "first_frame", "bomb.png", "225 megapixels")
    peak_kb = int(peak_file.read_text())
    assert peak_kb < 225 * 1024, f"peak memory {peak_kb / 1024:.0f} MB: the pixels were decoded"


def test_symlink_loop_as_video_flag(tmp_path: Path) -> None:
    VIDEO_CORPUS["symlink loop"][1](tmp_path / "loop.mp4")
    code, _, err, _ = run_cli(
        "generate", *VIDEO_MODEL, "--ref-video", "loop.mp4:feature", home=tmp_path / "h", cwd=tmp_path
    )
    _assert_refused(code, err, "reference_videos[1]", "loop.mp4", "symlink loop")
