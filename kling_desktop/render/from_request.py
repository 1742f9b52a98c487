"""Turn a validated request into a DraftPlan: what the animatic shows for each workflow."""

from __future__ import annotations

from pathlib import Path

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import Workflow
from kling_desktop.core.images import inspect_image
from kling_desktop.core.probe import probe_media
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.validation import resolve, size_keeping_aspect
from kling_desktop.render.plan import DraftPlan, Segment

W = Workflow
DRAFT_LONG_EDGE = 1280  # when the size follows an input and the model lists none


def _image_size(path: str) -> tuple[int, int]:
    info = inspect_image(path)  # reads the header only; EXIF orientation applied
    return info.width, info.height


def source_size(req: GenerationRequest) -> tuple[int, int] | None:
    """The size of the input the output follows (first frame, portrait, input or reference video)."""
    image = req.first_frame or req.input_image
    if image:
        return _image_size(image)
    video = req.input_video or (req.reference_videos[0] if req.reference_videos else None)
    if video:
        info = probe_media(video)
        if info.width and info.height:
            return info.width, info.height
    if req.reference_images:
        return _image_size(req.reference_images[0])
    return None


def _even(size: tuple[int, int]) -> tuple[int, int]:
    return max(2, size[0] // 2 * 2), max(2, size[1] // 2 * 2)


def plan_for(req: GenerationRequest) -> DraftPlan:
    spec = get_model(req.model)
    src = source_size(req)
    r = resolve(req, src)
    width, height = (
        (r.width, r.height)
        if r.width and r.height
        else (
            size_keeping_aspect(src, DRAFT_LONG_EDGE) if src else (DRAFT_LONG_EDGE, DRAFT_LONG_EDGE * 9 // 16)
        )
    )
    if r.workflow in (W.VIDEO_EDIT, W.VIDEO_TO_VIDEO, W.LIP_SYNC) and src:
        width, height = size_keeping_aspect(src, min(max(src), 1920))
    width, height = _even((width, height))
    duration = r.duration
    if duration is None:  # follows the input video or audio
        media = req.input_video if r.workflow is not W.AVATAR else req.input_audio
        duration = (probe_media(media).duration or 5.0) if media else 5.0
    first = Path(req.first_frame) if req.first_frame else None
    last = Path(req.last_frame) if req.last_frame else None
    caption = req.prompt or (f"{r.workflow.label} with {spec.name}")
    segments: tuple[Segment, ...]
    if req.shots:
        n = len(req.shots)
        segments = tuple(
            Segment(
                s.duration,
                s.prompt,
                "pan" if first else "title",
                first_image=first if i == 0 else None,
                heading=f"Shot {i} of {n} · {s.duration:g} s",
            )
            for i, s in enumerate(req.shots, 1)
        )
    elif r.workflow in (W.VIDEO_EDIT, W.VIDEO_TO_VIDEO, W.LIP_SYNC) and req.input_video:
        segments = (
            Segment(duration, caption, "video", source_video=Path(req.input_video), heading=r.workflow.label),
        )
    elif r.workflow is W.AVATAR and req.input_image:
        segments = (
            Segment(duration, caption, "portrait", first_image=Path(req.input_image), heading="Avatar"),
        )
    elif r.workflow is W.MOTION_CONTROL and req.reference_videos and not first:
        segments = (
            Segment(
                duration,
                caption,
                "video",
                source_video=Path(req.reference_videos[0]),
                heading="Motion control",
            ),
        )
    elif first is not None:
        segments = (
            Segment(duration, caption, "morph" if last else "pan", first_image=first, last_image=last),
        )
    elif req.reference_images:
        segments = (
            Segment(
                duration, caption, "pan", first_image=Path(req.reference_images[0]), heading=r.workflow.label
            ),
        )
    else:
        segments = (Segment(duration, caption, "title"),)
    audio = Path(req.input_audio) if r.workflow in (W.AVATAR, W.LIP_SYNC) and req.input_audio else None
    return DraftPlan(
        width=width,
        height=height,
        fps=r.fps,
        segments=segments,
        model_name=spec.name,
        sound=bool(req.sound) or audio is not None,
        audio_source=audio,
        metadata={
            "title": (req.prompt or spec.name)[:120],
            "description": f"{spec.air_id} {r.workflow.value}",
        },
    )


def still_plan_for(req: GenerationRequest) -> DraftPlan:
    """An image model's draft: a card (or the first reference image) at the requested size."""
    spec = get_model(req.model)
    src = _image_size(req.reference_images[0]) if req.reference_images else None
    r = resolve(req, src)
    if r.width and r.height:
        size = (r.width, r.height)
    elif src:
        long_edge = 2048 if req.resolution == "2k" else 1024
        size = size_keeping_aspect(src, long_edge)
    else:
        size = (1024, 1024)
    first = Path(req.reference_images[0]) if req.reference_images else None
    seg = Segment(1, req.prompt, "pan" if first else "title", first_image=first)
    return DraftPlan(size[0], size[1], 1, (seg,), spec.name, metadata={"title": req.prompt[:120]})
