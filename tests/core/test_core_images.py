"""Input images: a corpus of bad inputs made here; each gets a clear message or a correct normalisation."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from kling_desktop.catalog.models import get_model
from kling_desktop.core.images import ImageError, inspect_image, normalise_image

LEGACY = get_model("klingai:5@2").image_requirement  # 300–2048 px, 20 MB
NEW = get_model("klingai:kling-video@3-pro").image_requirement  # ≥300 px, 10 MB, aspect 1:2.5–2.5:1


def _png(path: Path, w: int, h: int, mode: str = "RGB", color: object = (200, 80, 40)) -> Path:
    Image.new(mode, (w, h), color).save(path)
    return path


def _w(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _noise(path: Path, w: int, h: int) -> Path:
    Image.frombytes("RGB", (w, h), os.urandom(w * h * 3)).save(path, "PNG")
    return path


# (name, maker, requirement, expected words in the error) — each must be refused with those words.
REFUSED = [
    ("zero-byte.png", lambda p: _w(p, b""), LEGACY, "empty (0 bytes)"),
    ("renamed-pdf.png", lambda p: _w(p, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj"), LEGACY, "a PDF document"),
    ("drawing.svg", lambda p: _w(p, b'<svg xmlns="http://www.w3.org/2000/svg"/>'), LEGACY, "an SVG drawing"),
    ("drawing-xml.png", lambda p: _w(p, b'<?xml version="1.0"?><svg/>'), LEGACY, "XML/SVG"),
    ("archive.jpg", lambda p: _w(p, b"PK\x03\x04" + b"\0" * 40), LEGACY, "a ZIP archive"),
    ("text.png", lambda p: _w(p, b"hello, not an image"), LEGACY, "not an image"),
    ("random.webp", lambda p: _w(p, os.urandom(4096)), LEGACY, "not an image"),
    ("truncated.png", lambda p: _w(p, _png(p, 400, 400).read_bytes()[:200]), LEGACY, "damaged"),
    (
        "truncated.jpg",
        lambda p: (Image.new("RGB", (500, 500)).save(p, "JPEG"), p.write_bytes(p.read_bytes()[:300]))[0] or p,
        LEGACY,
        "damaged",
    ),
    ("tiny.png", lambda p: _png(p, 16, 16), LEGACY, "at least 300 px"),
    ("one-pixel.png", lambda p: _png(p, 1, 1), NEW, "at least 300 px"),
    ("narrow.png", lambda p: _png(p, 299, 800), LEGACY, "at least 300 px"),
    ("short.png", lambda p: _png(p, 1000, 299), NEW, "at least 300 px"),
    ("panorama.png", lambda p: _png(p, 3000, 400), NEW, "between 1:2.5 and 2.5:1"),
    ("tower.png", lambda p: _png(p, 400, 1100), NEW, "between 1:2.5 and 2.5:1"),
    ("strip.png", lambda p: _png(p, 4000, 400), LEGACY, "short side falling below 300 px"),
    ("missing.png", lambda p: p, LEGACY, "does not exist"),
    ("folder.png", lambda p: (p.mkdir(), p)[1], LEGACY, "is a folder"),
    ("bad-header.gif", lambda p: _w(p, b"GIF89a" + b"\xff" * 10), LEGACY, "not an image"),
    ("bmp-garbage.bmp", lambda p: _w(p, b"BM" + struct.pack("<I", 10**9) + b"\0" * 20), LEGACY, "damaged"),
]

# (name, maker, requirement, expected change) — each is fixed and the result fits the model.
FIXED = [
    (
        "cmyk.jpg",
        lambda p: (Image.new("CMYK", (640, 480), (0, 200, 200, 0)).save(p, "JPEG"), p)[1],
        LEGACY,
        "CMYK",
    ),
    ("sixteen-bit.png", lambda p: _png(p, 640, 480, "I;16", 40000), LEGACY, "16-bit"),
    ("huge.png", lambda p: _png(p, 4096, 2304), LEGACY, "scaled down to 2048×1152"),
    ("palette.gif", lambda p: (Image.new("P", (500, 500), 3).save(p, "GIF"), p)[1], LEGACY, None),
    ("animated.gif", lambda p: _animated(p), LEGACY, "first frame of an animated image"),
    ("rotated.jpg", lambda p: _exif_rotated(p), LEGACY, "EXIF orientation"),
    ("grey.png", lambda p: _png(p, 640, 480, "L", 128), NEW, None),
    ("alpha.png", lambda p: _png(p, 640, 480, "RGBA", (10, 20, 30, 100)), NEW, None),
    ("über schön ü.png", lambda p: _png(p, 640, 480), NEW, None),
    ("with spaces & symbols #1.png", lambda p: _png(p, 500, 500), LEGACY, None),
    (
        "heavy.png",
        lambda p: _noise(p, 2048, 2048),
        get_model("klingai:kling-video@3-pro").image_requirement,
        None,
    ),
    ("bitmap.bmp", lambda p: (Image.new("RGB", (640, 480), (1, 2, 3)).save(p, "BMP"), p)[1], LEGACY, None),
]


def _animated(p: Path) -> Path:
    frames = [Image.new("RGB", (400, 400), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(p, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return p


def _exif_rotated(p: Path) -> Path:
    im = Image.new("RGB", (800, 400), (0, 0, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 100, 400), fill=(255, 255, 255))
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    im.save(p, "JPEG", exif=exif)
    return p


@pytest.mark.parametrize(("name", "maker", "req", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_image_is_refused_with_a_clear_message(tmp_path: Path, name, maker, req, words) -> None:
    path = maker(tmp_path / name)
    with pytest.raises(ImageError) as info:
        normalise_image(path, req, tmp_path / "out")
    message = str(info.value)
    assert words in message
    assert message.startswith(Path(name).name) or name.split(".")[0] in message
    assert "Traceback" not in message


@pytest.mark.parametrize(("name", "maker", "req", "change"), FIXED, ids=[r[0] for r in FIXED])
def test_fixable_image_is_normalised(tmp_path: Path, name, maker, req, change) -> None:
    path = maker(tmp_path / name)
    result = normalise_image(path, req, tmp_path / "out")
    if change:
        assert any(change in c for c in result.changes), result.changes
    with Image.open(result.path) as im:
        assert im.mode in ("RGB", "RGBA", "L")
        assert im.format in ("PNG", "JPEG", "WEBP")
        assert (im.width, im.height) == (result.width, result.height)
    if req.max_side:
        assert max(result.width, result.height) <= req.max_side
    assert min(result.width, result.height) >= req.min_side
    assert result.path.stat().st_size <= req.max_mb * 1024 * 1024


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    info = inspect_image(_exif_rotated(tmp_path / "r.jpg"))
    assert (info.width, info.height) == (400, 800)
    result = normalise_image(tmp_path / "r.jpg", LEGACY, tmp_path / "out")
    assert (result.width, result.height) == (400, 800)
    with Image.open(result.path) as im:  # the white bar, once on the left, is now on top
        assert im.getpixel((200, 20))[0] > 200 and im.getpixel((200, 780))[0] < 50


def test_oversize_bytes_reencoded_under_the_limit(tmp_path: Path) -> None:
    from kling_desktop.catalog.spec import ImageRequirement

    req = ImageRequirement(min_side=300, max_mb=1)
    result = normalise_image(_noise(tmp_path / "n.png", 1200, 1200), req, tmp_path / "out")
    assert result.path.suffix == ".jpg" and result.path.stat().st_size <= 1024 * 1024
    assert any("JPEG" in c for c in result.changes)


def test_good_image_is_used_as_is(tmp_path: Path) -> None:
    path = _png(tmp_path / "ok.png", 1280, 720)
    result = normalise_image(path, LEGACY, tmp_path / "out")
    assert result.path == path and result.changes == ()


def test_corpus_is_large_enough() -> None:
    assert len(REFUSED) + len(FIXED) >= 30


def test_unreadable_file_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _png(tmp_path / "locked.png", 500, 500)

    def deny(self, *a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(ImageError, match="cannot be read \\(permission denied\\)"):
        inspect_image(path)
