"""How a frame whose shape differs from the output is made to fit it: crop, fit or pad. Pure geometry plus one
Pillow function, shared by the form's preview and by the image normalisation that produces what is uploaded, so
the preview shows exactly the pixels the model receives. Never crops silently: the artist chooses.

- crop: fill the output, cutting what overflows (centred);
- fit: the whole frame, the bars filled with a blurred, enlarged copy of it;
- pad: the whole frame, with black bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageFilter

from kling_desktop.catalog.spec import DimensionMode, ModelSpec, Workflow
from kling_desktop.core.request import GenerationRequest

ASPECT_TOLERANCE = 0.01  # 1 %: closer than this, the frame already has the output's shape


class Framing(StrEnum):
    CROP = "crop"
    FIT = "fit"
    PAD = "pad"

    @property
    def label(self) -> str:
        return {
            Framing.CROP: "Crop to fill",
            Framing.FIT: "Fit, blurred edges",
            Framing.PAD: "Fit, black bars",
        }[self]


@dataclass(frozen=True)
class FramePlan:
    """Where the source goes on the output canvas: ``box`` (left, top, right, bottom) of the source that is
    kept, scaled to ``scaled`` and placed at ``offset`` on a ``target`` canvas."""

    mode: Framing
    source: tuple[int, int]
    target: tuple[int, int]
    box: tuple[int, int, int, int]
    scaled: tuple[int, int]
    offset: tuple[int, int]

    @property
    def crops(self) -> bool:
        return self.box != (0, 0, *self.source)

    def describe(self) -> str:
        tw, th = self.target
        if self.mode is Framing.CROP:
            left, top, right, bottom = self.box
            return f"cropped to {right - left}×{bottom - top} of {self.source[0]}×{self.source[1]} and scaled to {tw}×{th}"
        bars = "blurred edges" if self.mode is Framing.FIT else "black bars"
        return f"fitted into {tw}×{th} with {bars}"


def differs(source: tuple[int, int], target: tuple[int, int]) -> bool:
    return abs(source[0] / source[1] - target[0] / target[1]) / (target[0] / target[1]) > ASPECT_TOLERANCE


def plan(source: tuple[int, int], target: tuple[int, int], mode: Framing | str) -> FramePlan:
    mode = Framing(mode)
    sw, sh = source
    tw, th = target
    if mode is Framing.CROP:
        scale = max(tw / sw, th / sh)
        cw, ch = min(sw, round(tw / scale)), min(sh, round(th / scale))
        left, top = (sw - cw) // 2, (sh - ch) // 2
        return FramePlan(mode, source, target, (left, top, left + cw, top + ch), (tw, th), (0, 0))
    scale = min(tw / sw, th / sh)
    w, h = max(1, min(tw, round(sw * scale))), max(1, min(th, round(sh * scale)))
    return FramePlan(mode, source, target, (0, 0, sw, sh), (w, h), ((tw - w) // 2, (th - h) // 2))


def apply(image: Image.Image, frame_plan: FramePlan) -> Image.Image:
    """The framed image, exactly as it will be uploaded (RGB, ``frame_plan.target`` pixels)."""
    image = image.convert("RGB")
    if image.size != frame_plan.source:
        raise ValueError(f"the plan is for {frame_plan.source}, the image is {image.size}")
    part = image.crop(frame_plan.box).resize(frame_plan.scaled, Image.Resampling.LANCZOS)
    if frame_plan.mode is Framing.CROP:
        return part
    if frame_plan.mode is Framing.PAD:
        canvas = Image.new("RGB", frame_plan.target, (0, 0, 0))
    else:
        cover = plan(frame_plan.source, frame_plan.target, Framing.CROP)
        canvas = image.crop(cover.box).resize(frame_plan.target, Image.Resampling.BILINEAR)
        canvas = canvas.filter(ImageFilter.GaussianBlur(max(4, min(frame_plan.target) // 40)))
    canvas.paste(part, frame_plan.offset)
    return canvas


def output_target(
    spec: ModelSpec, workflow: Workflow, size: tuple[int, int] | None, source: tuple[int, int]
) -> tuple[int, int] | None:
    """The size the model will make for this frame: the chosen size, or — with "Automatic" — the listed size
    nearest the frame's shape (what the service picks). None when the output simply follows the frame."""
    if size is not None:
        return size
    if spec.dimension_mode(workflow) is not DimensionMode.OPTIONAL or not spec.dimensions:
        return None
    aspect = source[0] / source[1]
    best = min(spec.dimensions, key=lambda d: abs(d.width / d.height - aspect))
    return (best.width, best.height)


def frame_plan_for(
    spec: ModelSpec,
    workflow: Workflow,
    size: tuple[int, int] | None,
    source: tuple[int, int],
    mode: Framing | str | None,
) -> FramePlan | None:
    """The plan to apply to a frame of ``source`` pixels, or None when it already has the output's shape."""
    target = output_target(spec, workflow, size, source)
    if target is None or not differs(source, target):
        return None
    return plan(source, target, mode or Framing.CROP)


def request_frame_plan(
    req: GenerationRequest, source: tuple[int, int], first: tuple[int, int] | None = None
) -> FramePlan | None:
    """The plan for one of the request's frames (of ``source`` pixels, upright), when it asks for framing.
    With size "Automatic" the output follows the *first* frame (``first``, its size): a last frame of another
    shape is framed to that same output."""
    if req.framing is None:
        return None
    from kling_desktop.catalog.models import get_model
    from kling_desktop.core.validation import choose_workflow

    spec = get_model(req.model)
    size = (req.width, req.height) if req.width and req.height else None
    workflow = choose_workflow(req, spec)
    target = output_target(spec, workflow, size, first or source)
    if target is None or not differs(source, target):
        return None
    return plan(source, target, req.framing)
