"""``kling-desktop generate``: validate a request, run it as a job, print the result."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from kling_desktop.catalog.models import UnknownModel, get_model
from kling_desktop.catalog.spec import DimensionMode
from kling_desktop.core.images import ImageError
from kling_desktop.core.input_file import InputFileError, check_input_file, shown_path
from kling_desktop.core.media_check import check_request_media, prepare_request
from kling_desktop.core.paths import AppPaths
from kling_desktop.core.request import REFER_TYPE_FAMILIES, REFER_TYPES, GenerationRequest, Shot
from kling_desktop.core.rules import Problem
from kling_desktop.core.validation import choose_workflow, problems_for
from kling_desktop.providers.registry import descriptor, descriptors, provider_names

EXIT_INVALID = 2


class CliInputError(ValueError):
    pass


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="make a video or image from a request")
    p.add_argument("--model", required=True, help="AIR id, e.g. klingai:5@2 (see 'kling-desktop models')")
    p.add_argument(
        "--provider",
        choices=provider_names(),
        help="where to run it: "
        + ", ".join(f"{d.name} ({d.label})" for d in descriptors())
        + "; default: the settings' default provider",
    )
    p.add_argument("--workflow", help="force a workflow (normally chosen from the inputs)")
    p.add_argument("--prompt", default="")
    p.add_argument("--negative", default="", help="negative prompt")
    p.add_argument("--first", help="first frame image")
    p.add_argument("--last", help="last frame image")
    p.add_argument("--shot", action="append", default=[], metavar="PROMPT::SECONDS", help="one shot; repeat")
    p.add_argument("--duration", type=float)
    p.add_argument("--size", metavar="WxH")
    p.add_argument("--resolution", help="image O1: 1k or 2k")
    p.add_argument("--cfg", type=float, help="CFG scale")
    snd = p.add_mutually_exclusive_group()
    snd.add_argument("--sound", dest="sound", action="store_true", default=None)
    snd.add_argument("--no-sound", dest="sound", action="store_false")
    p.add_argument("--ref-image", action="append", default=[], help="reference image; repeat")
    p.add_argument(
        "--ref-video",
        action="append",
        default=[],
        metavar="PATH[:feature|base]",
        help="reference video; repeat. Kling VIDEO O3: ':feature' (a reference, the default) or ':base' "
        "(the video to edit)",
    )
    p.add_argument("--voice", action="append", default=[], help="reference voice audio; repeat")
    p.add_argument("--video", help="input video (edit, lip-sync)")
    p.add_argument("--audio", help="input audio (lip-sync, avatar)")
    p.add_argument("--image", help="input image (avatar portrait)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="provider setting, e.g. keepOriginalSound=true, shotType=customize",
    )
    p.add_argument("--count", type=int, default=1, help="images per job (image models)")
    p.add_argument("--no-wait", action="store_true", help="submit and return; 'jobs resume' waits later")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _path(value: str | None, field: str = "input") -> str | None:
    """The absolute path of an input the user typed, checked to be a readable regular file (a FIFO, device,
    folder or symlink loop is refused without being opened). Errors name the path as typed and the folder
    it was looked for in. Not ``resolve()``: it raises on a symlink loop and hides the path the user wrote."""
    if not value:
        return None
    absolute = os.path.abspath(os.path.expanduser(value))
    try:
        check_input_file(absolute)
    except InputFileError as exc:
        raise CliInputError(f"{field}: {shown_path(value)}: {exc.reason}.") from None
    return absolute


def _ref_video(text: str, index: int) -> tuple[str, str | None]:
    """``PATH[:feature|base]`` → (absolute path, refer type or None)."""
    path, sep, kind = text.rpartition(":")
    if sep and kind in REFER_TYPES and path:
        return _path(path, f"reference_videos[{index}]") or path, kind
    return _path(text, f"reference_videos[{index}]") or text, None


def _refer_types(model: str, kinds: list[str | None]) -> tuple[str, ...]:
    """The ``:feature``/``:base`` suffixes of ``--ref-video``: all stated or none (then the model's default)."""
    if not any(kinds):
        return ()
    try:
        family = get_model(model).family
    except UnknownModel:
        family = ""
    if family not in REFER_TYPE_FAMILIES:
        raise CliInputError(
            f"--ref-video: {model} takes no reference type; drop the ':feature'/':base' suffix "
            "(only Kling VIDEO O3 reference videos take one)."
        )
    return tuple(k or REFER_TYPES[0] for k in kinds)


def _setting(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise CliInputError(f"--set {text!r}: write NAME=VALUE, e.g. keepOriginalSound=true.")
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return name, lowered == "true"
    try:
        return name, float(raw)
    except ValueError:
        return name, raw


def _shot(text: str) -> Shot:
    prompt, sep, seconds = text.rpartition("::")
    try:
        return Shot(prompt=prompt.strip(), duration=float(seconds))
    except ValueError:
        raise CliInputError(
            f'--shot {text!r}: write "PROMPT::SECONDS", e.g. "Wide shot of a harbour::4".'
        ) from None


def build_request(args: argparse.Namespace) -> GenerationRequest:
    width = height = None
    if args.size:
        w, sep, h = args.size.lower().partition("x")
        if not sep or not w.isdigit() or not h.isdigit():
            raise CliInputError(f"--size {args.size!r}: write WIDTHxHEIGHT, e.g. 1280x720.")
        width, height = int(w), int(h)
    ref_videos = [_ref_video(v, i) for i, v in enumerate(args.ref_video, 1)]
    req = GenerationRequest(
        model=args.model,
        workflow=args.workflow,
        prompt=args.prompt,
        negative_prompt=args.negative,
        first_frame=_path(args.first, "first_frame"),
        last_frame=_path(args.last, "last_frame"),
        shots=tuple(_shot(s) for s in args.shot),
        duration=args.duration,
        width=width,
        height=height,
        resolution=args.resolution,
        cfg_scale=args.cfg,
        sound=args.sound,
        reference_images=tuple(
            p for i, v in enumerate(args.ref_image, 1) if (p := _path(v, f"reference_images[{i}]"))
        ),
        reference_videos=tuple(p for p, _ in ref_videos),
        reference_video_types=_refer_types(args.model, [t for _, t in ref_videos]),
        reference_voices=tuple(
            p for i, v in enumerate(args.voice, 1) if (p := _path(v, f"reference_voices[{i}]"))
        ),
        input_video=_path(args.video, "input_video"),
        input_audio=_path(args.audio, "input_audio"),
        input_image=_path(args.image, "input_image"),
        settings=dict(_setting(s) for s in args.set),
        number_results=args.count,
    )
    return with_form_defaults(req)


def with_form_defaults(req: GenerationRequest) -> GenerationRequest:
    """What the window's form pre-selects: where a model needs an explicit size, its first listed size."""
    try:
        spec = get_model(req.model)
    except UnknownModel:
        return req
    if req.width is None and req.resolution is None and spec.dimensions:
        if spec.dimension_mode(choose_workflow(req, spec)) is DimensionMode.REQUIRED:
            first = spec.dimensions[0]
            return req.model_copy(update={"width": first.width, "height": first.height})
    return req


def _fail(problems: list[Problem] | list[str]) -> int:
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    return EXIT_INVALID


def run(args: argparse.Namespace) -> int:
    try:
        req = build_request(args)
    except (CliInputError, ValueError) as exc:
        return _fail([str(exc)])
    problems = problems_for(req)
    if problems:
        return _fail(problems)
    problems = check_request_media(req)
    if problems:
        return _fail(problems)
    paths = AppPaths.default().ensure()
    try:
        req = prepare_request(req, paths.cache)
    except ImageError as exc:
        return _fail([str(exc)])
    return asyncio.run(_run_job(req, args, paths))


async def _run_job(req: GenerationRequest, args: argparse.Namespace, paths: AppPaths) -> int:
    from kling_desktop.services import build_services

    services = build_services(paths)
    if args.provider is None:
        args.provider = services.settings.default_provider
    try:
        reason = services.providers.unsupported_reason(
            args.provider, get_model(req.model)
        ) or services.providers.request_problem(args.provider, req)
        if reason:
            return _fail([f"provider: {reason}"])
        job = await services.runner.submit(req, args.provider)
        if args.no_wait:  # return once the provider acknowledged it; 'jobs resume' collects it later
            job = await services.runner.wait_accepted(job.id)
        else:
            job = await services.runner.wait(job.id)
    finally:
        await services.aclose()
    files = [str(Path(f).resolve()) for f in job.files]
    out = {
        "job_id": job.id,
        "status": job.state.value,
        "provider": job.provider,
        "model": req.model,
        "files": files,
        "cost": job.cost,
        "error": job.error or None,
        "accepted": job.accepted,
        "notice": job.notice or None,
        "draft": descriptor(args.provider).is_draft,
    }
    if args.json:
        print(json.dumps(out))
    elif job.files:
        print("\n".join(files))
    elif args.no_wait and job.accepted:
        print(f"{job.id} accepted by the provider; 'kling-desktop jobs resume' collects it.")
    elif args.no_wait and not job.state.finished:
        print(
            f"{job.id} not accepted yet: {job.notice} 'kling-desktop jobs resume' sends it and collects it."
        )
    if job.state.value == "done" or (args.no_wait and job.accepted and not job.state.finished):
        return 0
    if not args.json:
        print(f"error: {job.error or job.state.value}", file=sys.stderr)
    return 1
