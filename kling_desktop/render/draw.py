"""Frame drawing with Pillow. Anything constant over a segment is drawn once; each frame is a crop, a blend
and one composite, so 720p stays well above real time."""

from __future__ import annotations

import math
import textwrap
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
PALETTES = (
    ((24, 32, 64), (112, 48, 96)),
    ((16, 56, 64), (200, 120, 40)),
    ((40, 24, 56), (24, 104, 120)),
    ((48, 40, 24), (150, 60, 50)),
    ((20, 44, 30), (90, 120, 60)),
    ((30, 30, 30), (90, 90, 130)),
)


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_FILES[1 if bold else 0]
    if Path(path).exists():
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def load_cover(path: Path, width: int, height: int, overscan: float = 1.0) -> Image.Image:
    """The image, upright, scaled to cover ``width×height`` times ``overscan`` (room for a camera move)."""
    with Image.open(path) as src:
        im = ImageOps.exif_transpose(src).convert("RGB")
    w, h = round(width * overscan), round(height * overscan)
    return ImageOps.fit(im, (w, h), Image.Resampling.BILINEAR)


def camera(src: Image.Image, width: int, height: int, t: float, seed: int = 0) -> Image.Image:
    """A slow push-in with a drift across ``src`` (which is larger than the frame); ``t`` in 0..1."""
    ease = 0.5 - 0.5 * math.cos(math.pi * t)
    zoom = 1.0 + 0.12 * ease
    cw, ch = src.width / zoom, src.height / zoom
    direction = (-1, 1)[seed % 2]
    cx = src.width / 2 + direction * (src.width - cw) * 0.35 * (ease - 0.5)
    cy = src.height / 2
    box = (cx - cw / 2, cy - ch / 2, cx + cw / 2, cy + ch / 2)
    return src.resize((width, height), Image.Resampling.BILINEAR, box=box, reducing_gap=None)


def gradient(width: int, height: int, palette_index: int) -> Image.Image:
    """A diagonal gradient 1.5× the frame width, so a moving crop reads as a drifting light."""
    top, bottom = PALETTES[palette_index % len(PALETTES)]
    strip = Image.linear_gradient("L").resize((round(width * 1.5), height))
    return Image.composite(Image.new("RGB", strip.size, bottom), Image.new("RGB", strip.size, top), strip)


Piece = tuple[Image.Image, tuple[int, int]]


def text_layer(
    width: int, height: int, heading: str, caption: str, model_name: str, *, card: bool
) -> Image.Image:
    """Transparent overlay the frame's size: the DRAFT label, the heading and the wrapped caption."""
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    for piece, at in text_pieces(width, height, heading, caption, model_name, card=card):
        layer.paste(piece, at)
    return layer


def text_pieces(
    width: int, height: int, heading: str, caption: str, model_name: str, *, card: bool
) -> list[Piece]:
    """The overlay as tight RGBA boxes with their positions: the DRAFT label, then the caption block.

    Each frame composites only these boxes (a few percent of the frame), never a full-frame layer.
    """
    unit = max(10, min(width, height) // 24)
    label = f"DRAFT · {model_name}"
    small = font(max(9, unit * 2 // 3), bold=True)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    lw = probe.textlength(label, font=small)
    label_box = (
        unit // 2,
        unit // 2,
        math.ceil(unit // 2 + lw + unit) + 1,
        math.ceil(unit // 2 + unit * 1.4) + 1,
    )
    tag = Image.new("RGBA", (label_box[2] - label_box[0], label_box[3] - label_box[1]), (0, 0, 0, 0))
    d = ImageDraw.Draw(tag)
    d.rounded_rectangle((0, 0, tag.width - 1, tag.height - 1), radius=unit // 3, fill=(0, 0, 0, 150))
    d.text((unit - label_box[0], unit * 0.62 - label_box[1]), label, font=small, fill=(255, 214, 102, 255))
    pieces: list[Piece] = [(tag, (label_box[0], label_box[1]))]

    body = font(unit if card else max(9, unit * 3 // 4))
    chars = max(12, int(width / (unit * (0.55 if card else 0.45))))
    lines = textwrap.wrap(caption, chars)[: 6 if card else 3]
    if heading:
        lines = [heading, *lines]
    if not lines:
        return pieces
    fonts = [font(unit, bold=True) if heading and i == 0 else body for i in range(len(lines))]
    widths = [probe.textlength(line, font=f) for line, f in zip(lines, fonts, strict=True)]
    line_h = unit * (1.35 if card else 1.2)
    block_h = line_h * len(lines)
    y = (height - block_h) / 2 if card else height - block_h - unit
    pad = unit / 2
    left = max(0, math.floor((width - max(widths)) / 2 - pad))
    top = max(0, math.floor(y - pad))
    right = min(width, math.ceil((width + max(widths)) / 2 + pad))
    bottom = min(height, math.ceil(y + block_h + pad))
    block = Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0))
    d = ImageDraw.Draw(block)
    if not card:  # a dark box behind the caption, only as wide as its longest line
        d.rounded_rectangle((0, 0, block.width - 1, block.height - 1), radius=unit // 3, fill=(0, 0, 0, 120))
    for i, (line, f, lw_) in enumerate(zip(lines, fonts, widths, strict=True)):
        d.text(((width - lw_) / 2 - left, y + i * line_h - top), line, font=f, fill=(255, 255, 255, 235))
    pieces.append((block, (left, top)))
    return pieces


def moving_dot(frame: Image.Image, t: float, seed: int) -> None:
    """A small orbiting light: motion on a title card, so timing reads in the animatic."""
    d = ImageDraw.Draw(frame)
    r = max(4, min(frame.size) // 40)
    cx = frame.width * (0.5 + 0.38 * math.cos(2 * math.pi * (t + seed / 7)))
    cy = frame.height * (0.5 + 0.3 * math.sin(2 * math.pi * (t + seed / 7)))
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 240, 200))
