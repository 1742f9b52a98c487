"""Sizes people read, where the form describes a frame: "12 KB", never "0.0 MB"."""

from __future__ import annotations

from pathlib import Path

from kling_desktop.core.images import ImageInfo


def test_a_small_frame_is_described_in_kilobytes() -> None:
    info = ImageInfo(Path("a.png"), "PNG", 1600, 900, 12_400, "RGB")
    assert info.describe() == "1600×900 PNG, 12 KB"


def test_a_large_frame_is_described_in_megabytes() -> None:
    info = ImageInfo(Path("a.jpg"), "JPEG", 4000, 3000, 3_400_000, "RGB")
    assert info.describe() == "4000×3000 JPEG, 3.4 MB"
