"""Inspect and normalise input images with Pillow: one function the window and the CLI share.

``inspect_image`` reads only what it must; ``check_image`` explains what breaks a model's limits;
``normalise_image`` fixes what can be fixed (EXIF orientation, colour mode, animation, oversize pixels or
bytes) and refuses what cannot (too small, extreme aspect, not an image). Run these off the GUI thread.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from kling_desktop.catalog.spec import ImageRequirement
from kling_desktop.core.framing import FramePlan
from kling_desktop.core.framing import apply as apply_framing
from kling_desktop.core.input_file import InputFileError, check_input_file
from kling_desktop.core.rules import Problem
from kling_desktop.core.units import format_size

# The largest picture any model can use is far smaller (outputs are at most 4K, inputs are scaled to at most
# 2048 px where a model says so); 50 MP still takes a 48/50 MP camera photo. Checked from the header, before a
# pixel is decoded; Pillow's own guard (it refuses only above twice its limit) stays as a second line.
MAX_INPUT_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_INPUT_PIXELS
# Pillow's warning between its limit and twice it is noise: such an image is refused here, with a sentence.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
MB = 1024 * 1024
_MAGIC = {
    b"%PDF": "a PDF document",
    b"<svg": "an SVG drawing",
    b"<?xm": "an XML/SVG file",
    b"PK\x03\x04": "a ZIP archive",
}


class ImageError(ValueError):
    """The file cannot be used as an image; the message says why in plain words."""


@dataclass(frozen=True)
class ImageInfo:
    path: Path
    format: str
    width: int
    height: int
    size_bytes: int
    mode: str
    frames: int = 1

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def megabytes(self) -> float:
        return self.size_bytes / MB

    def describe(self) -> str:
        return f"{self.width}×{self.height} {self.format}, {format_size(self.size_bytes)}"


@dataclass(frozen=True)
class NormalisedImage:
    path: Path
    width: int
    height: int
    changes: tuple[str, ...] = field(default=())


def inspect_image(path: str | Path) -> ImageInfo:
    """Header facts of a whole, decodable image. Decodes it once (bounded by ``MAX_INPUT_PIXELS``): a
    truncated or damaged file is refused here, with its name, not later at normalisation or upload."""
    p = Path(path)
    try:
        size = check_input_file(p)  # a FIFO, a device, a folder or a symlink loop is never opened
        with p.open("rb") as fh:
            head = fh.read(16)
    except InputFileError as exc:
        raise ImageError(_sentence(exc.path.name, exc.reason)) from None
    except PermissionError:
        raise ImageError(f"{p.name}: the file cannot be read (permission denied).") from None
    except OSError as exc:
        raise ImageError(
            f"{p.name}: the file cannot be read ({exc.strerror or type(exc).__name__})."
        ) from None
    if size == 0:
        raise ImageError(f"{p.name}: the file is empty (0 bytes).")
    for magic, what in _MAGIC.items():
        if head.lstrip().startswith(magic):
            raise ImageError(f"{p.name}: is {what}, not a PNG, JPEG or WEBP image.")
    try:
        with Image.open(p) as im:
            _refuse_bomb(p, im)
            im.verify()
        with Image.open(p) as im:
            w, h = _oriented_size(im)
            info = ImageInfo(p, im.format or "?", w, h, size, im.mode, getattr(im, "n_frames", 1))
            im.load()  # verify() does not decode: a truncated JPEG/GIF only fails here
            return info
    except Image.DecompressionBombError as exc:
        raise ImageError(_too_many_pixels(p, exc)) from None
    except UnidentifiedImageError:
        raise ImageError(f"{p.name}: is not an image this app can read (PNG, JPEG or WEBP).") from None
    except ImageError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise ImageError(_damaged(p, exc)) from None


def _sentence(name: str, reason: str) -> str:
    return f"{name}: {reason}."


def _damaged(p: Path, exc: BaseException) -> str:
    detail = str(exc).strip().rstrip(".") or type(exc).__name__
    return f"{p.name}: the image is damaged and cannot be decoded ({detail})."


def _too_many_pixels(p: Path, size: tuple[int, int] | BaseException) -> str:
    if isinstance(size, tuple):
        what = f" is {size[0]}×{size[1]} ({size[0] * size[1] / 1e6:.0f} megapixels);"
    else:  # Pillow refused at open (over twice its limit): its message has the pixel count
        found = re.search(r"\((\d+) pixels\)", str(size))
        what = f" is {int(found.group(1)) / 1e6:.0f} megapixels;" if found else ""
    return (
        f"{p.name}:{what} images over {MAX_INPUT_PIXELS // 1_000_000} megapixels are refused before "
        "decoding (far more than any model uses; scale it down first)."
    )


def _refuse_bomb(p: Path, im: Image.Image) -> None:
    """Refuse from the header, before decoding, a picture larger than any model can use."""
    w, h = im.size
    if w * h > MAX_INPUT_PIXELS:
        raise ImageError(_too_many_pixels(p, (w, h)))


def _oriented_size(im: Image.Image) -> tuple[int, int]:
    orientation = im.getexif().get(0x0112, 1)
    w, h = im.size
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def check_image(info: ImageInfo, req: ImageRequirement | None, *, field_name: str = "image") -> list[Problem]:
    """What the model refuses that normalisation cannot fix. Oversize pixels/bytes are fixed, not refused."""
    if req is None:
        return []
    out: list[Problem] = []
    name = info.path.name
    if req.min_side and min(info.width, info.height) < req.min_side:
        out.append(
            Problem(
                field_name,
                "minimum size",
                f"{field_name}: {name} is {info.width}×{info.height}; this model needs width and height "
                f"of at least {req.min_side} px.",
            )
        )
    if (
        req.min_aspect
        and req.max_aspect
        and not req.min_aspect - 1e-9 <= info.aspect <= req.max_aspect + 1e-9
    ):
        out.append(
            Problem(
                field_name,
                "aspect ratio",
                f"{field_name}: {name} has an aspect ratio of {info.aspect:.2f}:1; this model accepts "
                f"between 1:2.5 and 2.5:1.",
            )
        )
    if req.max_side and max(info.width, info.height) > req.max_side:
        scaled_short = min(info.width, info.height) * req.max_side / max(info.width, info.height)
        if scaled_short < (req.min_side or 0):
            out.append(
                Problem(
                    field_name,
                    "aspect ratio",
                    f"{field_name}: {name} cannot be scaled to at most {req.max_side} px without its "
                    f"short side falling below {req.min_side} px.",
                )
            )
    return out


def normalise_image(
    path: str | Path,
    req: ImageRequirement | None,
    out_dir: Path,
    *,
    max_mb: float | None = None,
    framing: FramePlan | None = None,
) -> NormalisedImage:
    """A PNG/JPEG the model accepts, cached by content in ``out_dir``. Raises ImageError when impossible."""
    info = inspect_image(path)
    problems = check_image(info, req)
    if problems:
        raise ImageError(problems[0].message)
    limit_mb = min(x for x in (max_mb, req.max_mb if req else None, 1e9) if x is not None)
    data = info.path.read_bytes()
    key = hashlib.sha256(data + repr((req, limit_mb, framing)).encode()).hexdigest()[:24]
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        return _normalise(info, data, req, out_dir / key, limit_mb, framing)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError(_too_many_pixels(info.path, exc)) from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:  # decoding happens in here
        raise ImageError(_damaged(info.path, exc)) from None


def _normalise(
    info: ImageInfo,
    data: bytes,
    req: ImageRequirement | None,
    stem: Path,
    limit_mb: float,
    framing: FramePlan | None = None,
) -> NormalisedImage:
    changes: list[str] = []
    with Image.open(io.BytesIO(data)) as src:
        _refuse_bomb(info.path, src)
        if getattr(src, "n_frames", 1) > 1:
            changes.append("used the first frame of an animated image")
            src.seek(0)
        im = ImageOps.exif_transpose(src) or src
        if im is not src and _oriented_size(src) != src.size:
            changes.append("rotated upright from its EXIF orientation")
        im = _to_rgb(im, changes)
        if framing is not None:  # the artist's crop / fit / pad, exactly as the form previewed it
            im = apply_framing(im, framing)
            changes.append(framing.describe())
        if req and req.max_side and max(im.size) > req.max_side:
            scale = req.max_side / max(im.size)
            im = im.resize(
                (max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.Resampling.LANCZOS
            )
            changes.append(f"scaled down to {im.width}×{im.height} (limit {req.max_side} px)")
        if not changes and info.format in ("PNG", "JPEG", "WEBP") and info.megabytes <= limit_mb:
            return NormalisedImage(info.path, info.width, info.height, ())
        return _save_within(im, stem, limit_mb, changes)


def _to_rgb(im: Image.Image, changes: list[str]) -> Image.Image:
    if im.mode in ("RGB", "RGBA"):
        return im
    if im.mode == "CMYK":
        changes.append("converted from CMYK to RGB")
    elif im.mode.startswith("I;16") or im.mode in ("I", "F"):
        changes.append("converted from 16-bit to 8-bit")
        im = im.point(lambda v: v / 256).convert("L") if im.mode != "F" else im.convert("L")
    elif im.mode in ("P", "PA", "LA", "La", "L", "1"):
        # Providers take RGB/RGBA (PNG) or RGB (JPEG): palette, grey (+alpha) and 1-bit images are converted.
        has_alpha = im.mode in ("PA", "LA", "La") or "transparency" in im.info
        target = "RGBA" if has_alpha else "RGB"
        what = {"P": "palette", "PA": "palette", "1": "1-bit"}.get(im.mode, "greyscale")
        changes.append(f"converted from {what} to {target}")
        return im.convert(target)
    else:
        changes.append(f"converted from {im.mode} to RGB")
    return im.convert("RGB")


def _save_within(im: Image.Image, stem: Path, limit_mb: float, changes: list[str]) -> NormalisedImage:
    png = stem.with_suffix(".png")
    im.save(png, "PNG", optimize=False)
    if png.stat().st_size <= limit_mb * MB:
        return NormalisedImage(png, im.width, im.height, tuple(changes))
    png.unlink()
    rgb = im.convert("RGB")
    jpg = stem.with_suffix(".jpg")
    for quality in (92, 85, 75, 60):
        rgb.save(jpg, "JPEG", quality=quality)
        if jpg.stat().st_size <= limit_mb * MB:
            return NormalisedImage(
                jpg, im.width, im.height, (*changes, f"re-encoded as JPEG to stay under {limit_mb:g} MB")
            )
    raise ImageError(f"{stem.name}: cannot be made smaller than {limit_mb:g} MB.")
