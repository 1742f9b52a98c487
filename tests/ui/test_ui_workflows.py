"""No model is unreachable from the window: for every model and mode (workflow), the form's inputs produce a
valid request that carries that workflow."""

from __future__ import annotations

import pytest
from media_factory import make_mp4, make_png, make_wav

from kling_desktop.catalog.models import all_models
from kling_desktop.catalog.spec import Workflow
from kling_desktop.core.validation import choose_workflow, problems_for

W = Workflow
CASES = [(m, w) for m in all_models() for w in m.workflows]


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    d = tmp_path_factory.mktemp("media")
    return {
        "img": str(make_png(d / "img.png", 640, 480)),
        "vid": str(make_mp4(d / "in.mp4", 960, 720, 4.0, audio=True)),
        "wav": str(make_wav(d / "voice.wav", 6.0)),
    }


@pytest.mark.parametrize(("spec", "wf"), CASES, ids=[f"{m.air_id}-{w.value}" for m, w in CASES])
def test_form_reaches_every_workflow(window, qtbot, media, spec, wf) -> None:
    form = window.form
    form.set_model(spec.air_id)
    form.set_mode(wf)
    zones = form.zones
    if wf is W.IMAGE_TO_VIDEO:
        form.first.set_path(media["img"])
    elif wf in (W.REFERENCE_TO_VIDEO, W.IMAGE_TO_IMAGE):
        zones.lists["reference_images"].add_path(media["img"])
    elif wf in (W.VIDEO_EDIT, W.VIDEO_TO_VIDEO):
        zones.lists["input_video"].add_path(media["vid"])
    elif wf is W.MOTION_CONTROL:
        form.first.set_path(media["img"])
        zones.lists["reference_videos"].add_path(media["vid"])
    elif wf is W.LIP_SYNC:
        zones.lists["input_video"].add_path(media["vid"])
        zones.lists["input_audio"].add_path(media["wav"])
    elif wf is W.AVATAR:
        zones.portrait.set_path(media["img"])
        zones.lists["input_audio"].add_path(media["wav"])
    if spec.prompt is not None:
        form.prompt.set_text("A calm test scene")
    qtbot.waitUntil(lambda: not (form.first.busy or zones.busy()), timeout=15000)
    form.refresh()
    req = form.current_request()
    assert req.workflow == wf.value and choose_workflow(req, spec) is wf
    assert form.modes.current() is wf
    assert problems_for(req) == [], problems_for(req)
    assert form.problem_messages() == [], form.problem_messages()
