"""Encode a DraftPlan to MP4 (H.264 + AAC when there is sound) or a still PNG."""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction
from functools import partial
from pathlib import Path

import av
from PIL import Image

from kling_desktop.render import draw
from kling_desktop.render.audio import RATE, decode_audio, pcm_frames, synth_bed
from kling_desktop.render.plan import DRAFT_COMMENT, DraftPlan, RenderResult, Segment

Progress = Callable[[float], None]


class RenderCancelled(Exception):
    pass


FrameJob = Callable[[], Image.Image]
DRAFT_PRESET = "ultrafast"  # a draft is looked at once, locally: encode speed over file size
DRAFT_CRF = "23"


def _composite(frame: Image.Image, pieces: list[draw.Piece]) -> Image.Image:
    for piece, at in pieces:
        frame.alpha_composite(piece, at) if frame.mode == "RGBA" else frame.paste(piece, at, piece)
    return frame


def _segment_jobs(plan: DraftPlan, seg: Segment, index: int) -> Iterator[FrameJob]:
    """One callable per frame that draws it; they share nothing mutable, so they run on worker threads."""
    w, h, n = plan.width, plan.height, max(1, round(seg.duration * plan.fps))
    card = seg.kind == "title"
    pieces = draw.text_pieces(w, h, seg.heading, seg.caption, plan.model_name, card=card)
    if seg.kind == "video" and seg.source_video:
        for image in _video_frames(seg.source_video, w, h, n):
            yield partial(_composite, image, pieces)
        return
    first = draw.load_cover(seg.first_image, w, h, 1.15) if seg.first_image else None
    last = draw.load_cover(seg.last_image, w, h, 1.15) if seg.last_image else None
    bg = draw.gradient(w, h, index) if first is None else None

    def make(i: int) -> Image.Image:
        t = i / max(1, n - 1)
        if first is None:
            assert bg is not None
            x = round((bg.width - w) * t)
            frame = bg.crop((x, 0, x + w, h))
            draw.moving_dot(frame, t, index)
        elif seg.kind == "portrait":
            frame = draw.camera(first, w, h, 0.5 + 0.04 * ((i // max(1, plan.fps // 6)) % 2), index)
        elif last is not None:  # same camera on both, so blend the sources and move once
            frame = draw.camera(Image.blend(first, last, t * t * (3 - 2 * t)), w, h, t, index)
        else:
            frame = draw.camera(first, w, h, t, index)
        return _composite(frame, pieces)

    for i in range(n):
        yield partial(make, i)


def _segment_frames(plan: DraftPlan, seg: Segment, index: int) -> Iterator[Image.Image]:
    for job in _segment_jobs(plan, seg, index):
        yield job()


def _video_frames(path: Path, w: int, h: int, n: int) -> Iterator[Image.Image]:
    """The source video's frames, scaled to ``w×h`` by the decoder's scaler, looped to ``n`` frames."""
    made = 0
    while made < n:
        with av.open(str(path)) as c:
            stream = c.streams.video[0]
            stream.thread_type = "AUTO"
            got = False
            for vf in c.decode(stream):
                frame = vf.to_image(width=w, height=h, interpolation="BILINEAR").convert("RGB")
                got = True
                yield frame
                made += 1
                if made >= n:
                    return
            if not got:
                raise ValueError(f"{path.name}: no video frame could be decoded.")


def _to_video_frame(job: FrameJob) -> av.VideoFrame:
    """Draw a frame and convert it to the encoder's pixel format (both release the GIL while they work)."""
    return av.VideoFrame.from_image(job()).reformat(format="yuv420p")


def _drawn_frames(jobs: Iterator[FrameJob], workers: int) -> Iterator[av.VideoFrame]:
    """Frames in order, drawn ``workers`` at a time ahead of the encoder."""
    if workers <= 1:
        yield from map(_to_video_frame, jobs)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="draft-draw") as pool:
        ahead: deque[Future[av.VideoFrame]] = deque()
        try:
            for job in jobs:
                ahead.append(pool.submit(_to_video_frame, job))
                if len(ahead) >= workers * 2:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()
        finally:
            for f in ahead:
                f.cancel()


def render_draft(
    plan: DraftPlan,
    out_path: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> RenderResult:
    """Draw frames on ``workers`` threads (default: one per core) while the encoder works on the last ones."""
    if plan.width % 2 or plan.height % 2:
        raise ValueError(f"draft size {plan.width}×{plan.height}: H.264 needs even width and height.")
    total = plan.frame_count
    metadata = {
        "title": plan.metadata.get("title", plan.model_name),
        "comment": DRAFT_COMMENT,
        "description": plan.metadata.get("description", ""),
        "encoder": "Kling Desktop draft renderer",
    }
    has_audio = plan.sound or plan.audio_source is not None
    try:
        with av.open(str(out_path), mode="w", format="mp4") as out:
            out.metadata.update(metadata)
            vs = out.add_stream("libx264", rate=plan.fps)
            vs.width, vs.height, vs.pix_fmt = plan.width, plan.height, "yuv420p"
            # Leave the stream time base to the muxer: forcing it breaks DTS order once B-frames appear.
            vs.options = {"preset": DRAFT_PRESET, "crf": DRAFT_CRF}
            frame_tb = Fraction(1, plan.fps)
            as_ = out.add_stream("aac", rate=RATE) if has_audio else None
            if as_ is not None:
                as_.layout = "mono"
            done = 0
            jobs = (job for index, seg in enumerate(plan.segments) for job in _segment_jobs(plan, seg, index))
            for vf in _drawn_frames(jobs, workers if workers is not None else (os.cpu_count() or 1)):
                if cancel is not None and cancel.is_set():
                    raise RenderCancelled()
                vf.pts = done
                vf.time_base = frame_tb
                out.mux(vs.encode(vf))
                done += 1
                if progress and done % 10 == 0:
                    progress(done / total)
            out.mux(vs.encode(None))
            if as_ is not None:
                seconds = done / plan.fps
                pcm = (
                    decode_audio(plan.audio_source, seconds)
                    if plan.audio_source
                    else synth_bed([s.duration for s in plan.segments])
                )
                for af in pcm_frames(pcm):
                    out.mux(as_.encode(af))
                out.mux(as_.encode(None))
    except BaseException:
        Path(out_path).unlink(missing_ok=True)
        raise
    if progress:
        progress(1.0)
    return RenderResult(
        Path(out_path), plan.width, plan.height, plan.fps, done, done / plan.fps, has_audio, metadata
    )


def render_still(plan: DraftPlan, out_path: Path) -> Path:
    """An image model's draft: the first segment's look as one PNG at the plan's size."""
    seg = plan.segments[0]
    frames = _segment_frames(
        DraftPlan(
            plan.width,
            plan.height,
            1,
            (Segment(1 / 1, seg.caption, seg.kind, seg.first_image, None, None, seg.heading),),
            plan.model_name,
        ),
        seg,
        0,
    )
    image = next(iter(frames))
    image.save(out_path, format="PNG", pnginfo=_png_info(plan))
    return Path(out_path)


def _png_info(plan: DraftPlan) -> object:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", DRAFT_COMMENT)
    info.add_text("Title", plan.metadata.get("title", plan.model_name))
    return info
