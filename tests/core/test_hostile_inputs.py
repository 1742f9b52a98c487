"""The hostile-input corpus (tests/bad_inputs.py) against the core checks the window and the CLI share.

Each file is refused with a sentence that names it and the rule it broke; nothing blocks (a FIFO is never
opened for reading), nothing is decoded beyond the pixel limit, and a damaged faststart MP4 is caught here
rather than at render or after an upload.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from bad_inputs import CORPUS, VIDEO_CORPUS, faststart_mp4
from PIL import Image

from kling_desktop.catalog.models import get_model
from kling_desktop.core.images import ImageError, inspect_image, normalise_image
from kling_desktop.core.input_file import InputFileError, check_input_file, shown_path
from kling_desktop.core.media_check import check_media_file, check_request_media
from kling_desktop.core.probe import MediaError, check_whole, probe_media
from kling_desktop.core.request import GenerationRequest

LEGACY = get_model("klingai:5@2").image_requirement


def _within(seconds: float, fn, *args):
    """Run ``fn`` in a thread; a hang is a failure (the thread is a daemon, so the run still ends)."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} blocked on its input"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_hostile_image_is_refused_by_name_with_the_rule(tmp_path: Path, case: str) -> None:
    name, maker, words = CORPUS[case]
    path = maker(tmp_path / name)
    with pytest.raises(ImageError) as info:
        _within(60, inspect_image, path)
    message = str(info.value)
    assert message.startswith(f"{name}: ") and words in message, message
    with pytest.raises(ImageError) as again:
        _within(60, normalise_image, path, LEGACY, tmp_path / "out")
    assert str(again.value) == message


@pytest.mark.parametrize("case", sorted(VIDEO_CORPUS))
def test_hostile_video_is_refused_by_name_with_the_rule(tmp_path: Path, case: str) -> None:
    name, maker, words = VIDEO_CORPUS[case]
    path = maker(tmp_path / name)
    problems = _within(60, check_media_file, "input_video", str(path), None, "video")
    assert len(problems) == 1, problems
    assert problems[0].message.startswith(f"input_video: {name}: ") and words in problems[0].message


def test_damaged_faststart_mp4_has_a_perfect_header(tmp_path: Path) -> None:
    """What made it slip through: the header alone says nothing is wrong."""
    _, maker, _ = VIDEO_CORPUS["truncated faststart mp4"]
    info = probe_media(maker(tmp_path / "cut.mp4"))
    assert info.width == 320 and info.frames == 48
    with pytest.raises(MediaError, match="damaged"):
        check_whole(tmp_path / "cut.mp4")


def test_a_whole_faststart_mp4_passes(tmp_path: Path) -> None:
    info = check_whole(faststart_mp4(tmp_path / "whole.mp4"))
    assert info.width == 320 and info.has_audio


def test_request_check_names_the_field_and_never_blocks(tmp_path: Path) -> None:
    pipe = CORPUS["fifo"][1](tmp_path / "pipe.png")
    loop = VIDEO_CORPUS["symlink loop"][1](tmp_path / "loop.mp4")
    req = GenerationRequest(
        model="klingai:kling-video@o3-pro", prompt="edit it", first_frame=str(pipe), input_video=str(loop)
    )
    problems = _within(60, check_request_media, req)
    messages = [p.message for p in problems]
    assert any(m.startswith("first_frame: pipe.png: is a named pipe") for m in messages), messages
    assert any(m.startswith("input_video: loop.mp4: is a symbolic link that loops") for m in messages)


@pytest.mark.parametrize(
    ("mode", "make", "expect_mode", "words"),
    [
        ("P", lambda: Image.new("P", (640, 360), 7), "RGB", "palette to RGB"),
        ("P+transparency", lambda: _palette_with_transparency(), "RGBA", "palette to RGBA"),
        ("LA", lambda: Image.new("LA", (640, 360), (90, 128)), "RGBA", "greyscale to RGBA"),
        ("L", lambda: Image.new("L", (640, 360), 90), "RGB", "greyscale to RGB"),
        ("1", lambda: Image.new("1", (640, 360), 1), "RGB", "1-bit to RGB"),
    ],
)
def test_png_modes_providers_refuse_are_converted(tmp_path: Path, mode, make, expect_mode, words) -> None:
    path = tmp_path / f"{mode}.png"
    make().save(path)
    result = normalise_image(path, LEGACY, tmp_path / "out")
    assert result.path != path and any(words in c for c in result.changes), result.changes
    with Image.open(result.path) as im:
        assert im.mode == expect_mode and im.format in ("PNG", "JPEG")


def _palette_with_transparency() -> Image.Image:
    im = Image.new("P", (640, 360), 3)
    im.info["transparency"] = 3
    return im


def test_input_file_check_reasons(tmp_path: Path) -> None:
    (tmp_path / "ok.bin").write_bytes(b"12345")
    assert check_input_file(tmp_path / "ok.bin") == 5
    (tmp_path / "afile").write_bytes(b"x")
    with pytest.raises(InputFileError) as info:
        check_input_file(tmp_path / "afile" / "inside.png")
    assert info.value.reason == "a part of the path is a file, not a folder"


def test_shown_path_keeps_what_was_typed_and_names_the_folder(tmp_path: Path) -> None:
    assert shown_path("b.png", tmp_path) == f"b.png (looked for in {tmp_path})"
    assert shown_path("sub/../c/b.png", tmp_path) == f"sub/../c/b.png (looked for in {tmp_path / 'c'})"
    assert shown_path(str(tmp_path / "x.png")) == str(tmp_path / "x.png")


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_the_window_shows_the_same_sentence_for_images(tmp_path: Path, case: str) -> None:
    """The frame zones run ``frame_zone._check`` off the GUI thread and show ``str(error)``: the same words."""
    from kling_desktop.ui.frame_zone import _check

    name, maker, _ = CORPUS[case]
    path = maker(tmp_path / name)
    with pytest.raises(ImageError) as core:
        inspect_image(path)
    with pytest.raises(ImageError) as window:
        _within(60, _check, str(path), LEGACY, None)
    assert str(window.value) == str(core.value)


@pytest.mark.parametrize("case", sorted(VIDEO_CORPUS))
def test_the_window_shows_the_same_sentence_for_videos(tmp_path: Path, case: str) -> None:
    """The media zones show the checker's error or problems; the CLI prints ``field: <the same sentence>``."""
    from kling_desktop.ui.form_zones import _media_checker

    name, maker, _ = VIDEO_CORPUS[case]
    path = maker(tmp_path / name)
    [cli_problem] = check_media_file("input_video", str(path), None, "video")
    cli_sentence = cli_problem.message.removeprefix("input_video: ")
    try:
        _, shown = _within(60, _media_checker("input_video", None, "video", None), str(path))
    except MediaError as exc:
        shown = [str(exc)]
    assert shown == [cli_sentence]
