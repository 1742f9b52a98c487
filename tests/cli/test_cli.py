"""The CLI as a subprocess, with its own data root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from media_factory import make_png

from kling_desktop.core.probe import probe_media


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KLING_DESKTOP_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "kling_desktop", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_models_json_lists_25_models_with_the_fields(tmp_path: Path) -> None:
    result = cli("models", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    models = json.loads(result.stdout)
    assert len(models) == 25
    by_id = {m["air_id"]: m for m in models}
    m = by_id["klingai:5@2"]
    assert m["kind"] == "video" and m["workflows"] == ["image-to-video"]
    assert m["durations"] == {"values": [5, 10], "default": 5}
    assert m["dimensions"] == [[1920, 1080], [1080, 1080], [1080, 1920]]
    assert m["frame_images"] == ["first", "last"] and m["negative_prompt"] is False
    assert m["cfg_scale"] == {"min": 0.0, "max": 1.0, "default": 0.5}
    o3 = by_id["klingai:kling-video@o3-pro"]
    assert o3["durations"] == {"min": 3, "max": 15, "default": 5} and o3["multi_prompt_max"] == 6
    assert o3["reference_images_max"] == 7 and o3["cfg_scale"] is None
    assert o3["provider_settings"] == ["sound", "multiPrompt", "keepOriginalSound"]
    for key in (
        "air_id",
        "name",
        "kind",
        "workflows",
        "durations",
        "dimensions",
        "frame_images",
        "negative_prompt",
        "cfg_scale",
        "multi_prompt_max",
        "reference_images_max",
        "provider_settings",
    ):
        assert all(key in x for x in models)


def test_generate_first_last_writes_a_5s_mp4_of_the_model_size(tmp_path: Path) -> None:
    a, b = make_png(tmp_path / "a.png", 1280, 720), make_png(tmp_path / "b.png", 1280, 720, (20, 40, 200))
    result = cli(
        "generate",
        "--model",
        "klingai:5@2",
        "--first",
        str(a),
        "--last",
        str(b),
        "--duration",
        "5",
        "--json",
        home=tmp_path / "home",
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["status"] == "done" and out["provider"] == "local" and out["model"] == "klingai:5@2"
    info = probe_media(out["files"][0])
    assert Path(out["files"][0]).is_absolute()
    assert info.duration == 5.0 and (info.width, info.height) == (1920, 1080)


def test_generate_three_shots_with_sound(tmp_path: Path) -> None:
    result = cli(
        "generate",
        "--model",
        "klingai:kling-video@3-pro",
        "--sound",
        "--shot",
        "Wide shot::3",
        "--shot",
        "Push in on the reader::4",
        "--shot",
        "Pages turn::3",
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    info = probe_media(result.stdout.strip())
    assert info.duration == 10.0 and info.has_audio


def test_invalid_input_exits_2_and_renders_nothing(tmp_path: Path) -> None:
    result = cli(
        "generate", "--model", "klingai:1@1", "--prompt", "ok prompt", "--duration", "7", home=tmp_path
    )
    assert result.returncode == 2
    assert "duration: KlingAI 1.0 Standard text to video makes 5 or 10 seconds; got 7." in result.stderr
    assert not (tmp_path / "library" / "media").exists() or not any(
        (tmp_path / "library" / "media").iterdir()
    )
    bad = cli(
        "generate",
        "--model",
        "klingai:5@2",
        "--first",
        str(make_png(tmp_path / "t.png", 100, 100)),
        home=tmp_path,
    )
    assert bad.returncode == 2 and "at least 300 px" in bad.stderr


def test_jobs_and_gallery_listing(tmp_path: Path) -> None:
    assert (
        cli(
            "generate",
            "--model",
            "klingai:kling-image@3",
            "--prompt",
            "A quiet harbour at dawn",
            "--size",
            "1024x1024",
            home=tmp_path,
        ).returncode
        == 0
    )
    jobs = json.loads(cli("jobs", "list", "--json", home=tmp_path).stdout)
    assert jobs[0]["status"] == "done" and jobs[0]["files"][0].endswith(".png")
    found = json.loads(cli("gallery", "search", "harbour", "--json", home=tmp_path).stdout)
    assert len(found) == 1 and found[0]["kind"] == "image"
