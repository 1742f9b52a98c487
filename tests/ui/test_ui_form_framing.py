"""What you see is what is sent: a frame whose shape differs from the output is shown as the model will receive
it (crop, fit or pad — the artist chooses), never cropped silently; the preview is the uploaded image."""

from __future__ import annotations

import asyncio

import pytest
from PIL import Image, ImageDraw

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import Workflow
from kling_desktop.core.framing import Framing, apply, frame_plan_for, output_target, plan
from kling_desktop.core.media_check import prepare_request
from kling_desktop.core.paths import AppPaths
from kling_desktop.jobs.states import JobState
from kling_desktop.services import build_services
from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer


def _photo(path, w: int = 800, h: int = 600):
    """A 4:3 'photo' with a marker in each corner, so any cropping shows."""
    im = Image.new("RGB", (w, h), (40, 110, 180))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, w // 8, h // 8), fill=(250, 20, 20))
    d.rectangle((w - w // 8, h - h // 8, w, h), fill=(20, 250, 20))
    d.text((w // 3, h // 2), "TEXT AT THE EDGE", fill=(255, 255, 255))
    im.save(path)
    return path


def test_geometry_crop_fit_pad() -> None:
    source, target = (4000, 3000), (1080, 1080)
    crop = plan(source, target, Framing.CROP)
    assert crop.box == (500, 0, 3500, 3000) and crop.scaled == target and crop.crops
    pad = plan(source, target, Framing.PAD)
    assert pad.box == (0, 0, 4000, 3000) and pad.scaled == (1080, 810) and pad.offset == (0, 135)
    assert not pad.crops
    im = Image.new("RGB", (40, 30), (255, 255, 255))
    padded = apply(im, plan((40, 30), (40, 40), Framing.PAD))
    assert (
        padded.size == (40, 40)
        and padded.getpixel((20, 1)) == (0, 0, 0)
        and padded.getpixel((20, 20))
        == (
            255,
            255,
            255,
        )
    )
    fitted = apply(im, plan((40, 30), (40, 40), Framing.FIT))
    assert fitted.size == (40, 40) and fitted.getpixel((20, 1)) != (0, 0, 0)


def test_automatic_size_picks_the_size_the_service_picks() -> None:
    spec = get_model("klingai:2@2")  # KlingAI 1.5 Pro: size "Automatic (nearest to the first frame)"
    assert output_target(spec, Workflow.IMAGE_TO_VIDEO, None, (4000, 3000)) == (1080, 1080)
    assert frame_plan_for(spec, Workflow.IMAGE_TO_VIDEO, None, (1920, 1080), "crop") is None  # same shape
    turbo = get_model("klingai:6@0")  # the output follows the frame: nothing to frame
    assert frame_plan_for(turbo, Workflow.IMAGE_TO_VIDEO, None, (4000, 3000), "crop") is None


def test_preview_appears_and_follows_the_artists_choice(window, qtbot, tmp_path) -> None:
    form = window.form
    form.set_model("klingai:2@2")
    form.first.set_path(str(_photo(tmp_path / "photo.png")))
    qtbot.waitUntil(lambda: form.framing.isVisibleTo(form) and not form.framing.busy, timeout=15000)
    assert form.framing.plan.target == (1080, 1080) and form.framing.plan.mode is Framing.CROP
    assert "As the model receives it" in form.framing.title.text() and "cropped" in form.framing.title.text()
    form.framing.buttons[Framing.PAD].click()
    qtbot.waitUntil(
        lambda: form.framing.plan is not None and form.framing.plan.mode is Framing.PAD, timeout=15000
    )
    assert form.current_request().framing == "pad"
    with Image.open(form.framing.framed_path) as im:
        assert im.size == (1080, 1080) and im.convert("RGB").getpixel((540, 5)) == (0, 0, 0)
    form.settings.size_combo.setCurrentIndex(form.settings.size_combo.findText("1920×1080 (16:9)"))
    qtbot.waitUntil(
        lambda: form.framing.plan is not None and form.framing.plan.target == (1920, 1080), timeout=15000
    )


@pytest.mark.parametrize("mode", ["crop", "fit", "pad"])
def test_the_preview_is_the_uploaded_image(window, qtbot, tmp_path, monkeypatch, mode) -> None:
    form = window.form
    form.set_model("klingai:2@2")
    form.prompt.set_text("the sea moves, nothing else")
    form.first.set_path(str(_photo(tmp_path / "photo.png")))
    form.framing.set_mode(mode)
    qtbot.waitUntil(
        lambda: (
            form.framing.plan is not None and form.framing.plan.mode.value == mode and not form.framing.busy
        ),
        timeout=15000,
    )
    qtbot.waitUntil(lambda: not form.first.busy, timeout=15000)
    # Generate turns on by itself once the preview is ready (the artist sees the framing before paying)
    qtbot.waitUntil(form.generate_button.isEnabled, timeout=5000)
    with Image.open(form.framing.framed_path) as im:
        preview = im.convert("RGB").copy()
    req = prepare_request(form.current_request(), AppPaths.default().cache)

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        monkeypatch.setenv("KLING_DESKTOP_RUNWARE_URL", emu.base_url)
        monkeypatch.setenv("RUNWARE_API_KEY", RUNWARE_TEST_KEY)

        async def run():
            services = build_services(AppPaths.default())
            try:
                job = await services.runner.submit(req, "runware")
                return await services.runner.wait(job.id)
            finally:
                await services.aclose()

        job = asyncio.run(run())
        assert job.state is JobState.DONE, job.error
        uploads = list(emu.state.uploads.values())
        assert len(uploads) == 1
        with Image.open(uploads[0]) as got:
            received = got.convert("RGB").copy()
    assert received.size == (1080, 1080)
    assert received.tobytes() == preview.tobytes(), "the provider received exactly the previewed pixels"


def test_first_and_last_frames_are_both_previewed_for_the_first_frames_output(
    window, qtbot, tmp_path
) -> None:
    form = window.form
    form.set_model("klingai:5@2")  # KlingAI 2.1 Pro: first and last frame, size Automatic
    form.first.set_path(str(_photo(tmp_path / "wide.png", 800, 600)))
    form.last.set_path(str(_photo(tmp_path / "tall.png", 600, 800)))
    qtbot.waitUntil(lambda: len(form.framing.framed_paths) == 2 and not form.framing.busy, timeout=15000)
    assert all(p.isVisibleTo(form) for p in form.framing.pictures)
    for path in form.framing.framed_paths:
        with Image.open(path) as im:
            assert im.size == (1080, 1080), "the last frame is framed to the output the first frame selects"
    prepared = prepare_request(form.current_request(), AppPaths.default().cache)
    assert {prepared.first_frame, prepared.last_frame} == {str(p) for p in form.framing.framed_paths}
