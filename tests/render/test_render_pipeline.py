"""The draft renderer's parallel pipeline keeps frame order, and captions are composited in tight boxes."""

from __future__ import annotations

from pathlib import Path

import av
from media_factory import make_png
from PIL import ImageStat

from kling_desktop.render import DraftPlan, Segment, render_draft
from kling_desktop.render.draw import text_layer, text_pieces


def test_frames_stay_in_order_when_drawn_on_several_threads(tmp_path: Path) -> None:
    red = make_png(tmp_path / "red.png", 640, 360, (230, 20, 20))
    blue = make_png(tmp_path / "blue.png", 640, 360, (20, 20, 230))
    plan = DraftPlan(320, 180, 24, (Segment(2, "", "morph", first_image=red, last_image=blue),), "M")
    out = render_draft(plan, tmp_path / "m.mp4", workers=3).path
    with av.open(str(out)) as c:
        blues = [ImageStat.Stat(f.to_image()).mean[2] for f in c.decode(video=0)]
    assert len(blues) == 48
    # the dissolve only ever moves towards blue: any frame out of order would step back
    assert all(b >= a - 3 for a, b in zip(blues, blues[1:], strict=False))
    assert blues[-1] - blues[0] > 150


def test_caption_pieces_are_tight_and_make_up_the_overlay() -> None:
    w, h = 1280, 720
    pieces = text_pieces(w, h, "", "A lighthouse at dusk, waves below", "Kling 3.0", card=False)
    area = sum(p.width * p.height for p, _ in pieces)
    assert len(pieces) == 2 and area < w * h * 0.05  # a full-width caption band alone would be about 9 %
    layer = text_layer(w, h, "", "A lighthouse at dusk, waves below", "Kling 3.0", card=False)
    box = layer.getbbox()
    assert box is not None
    # everything drawn lies inside one of the pieces
    for piece, (x, y) in pieces:
        assert layer.crop((x, y, x + piece.width, y + piece.height)).tobytes() == piece.tobytes()
    covered = sum(ImageStat.Stat(p.getchannel("A")).sum[0] for p, _ in pieces)
    assert covered == ImageStat.Stat(layer.getchannel("A")).sum[0]
