"""``--ref-video PATH[:feature|base]``: the reference type reaches the request (Kling VIDEO O3 only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_factory import make_mp4

from kling_desktop.cli import build_parser
from kling_desktop.cli.generate import CliInputError, build_request


def _args(*argv: str):
    return build_parser().parse_args(["generate", *argv])


def test_refer_types_are_parsed_into_the_request(tmp_path: Path) -> None:
    a, b = make_mp4(tmp_path / "a.mp4"), make_mp4(tmp_path / "with:colon.mp4")
    req = build_request(
        _args("--model", "klingai:kling-video@o3-pro", "--ref-video", f"{a}:base", "--ref-video", str(b))
    )
    assert req.reference_videos == (str(a), str(b))  # a colon inside a file name is kept
    assert req.reference_video_types == ("base", "feature")  # unstated: feature
    plain = build_request(_args("--model", "klingai:kling-video@o3-pro", "--ref-video", str(a)))
    assert plain.reference_video_types == () and plain.refer_type(0) == "feature"


def test_a_refer_type_on_a_model_without_one_is_refused(tmp_path: Path) -> None:
    a = make_mp4(tmp_path / "a.mp4")
    with pytest.raises(CliInputError, match="takes no reference type"):
        build_request(_args("--model", "klingai:kling@o1", "--ref-video", f"{a}:feature"))


def test_a_missing_reference_video_names_the_path_as_typed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CliInputError) as info:
        build_request(_args("--model", "klingai:kling-video@o3-pro", "--ref-video", "clips/ref.mp4:base"))
    assert str(info.value) == (
        f"reference_videos[1]: clips/ref.mp4 (looked for in {tmp_path / 'clips'}): the file does not exist."
    )
