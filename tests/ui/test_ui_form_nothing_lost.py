"""Nothing lost: for every model and each of its modes, switching away and back restores every input; inputs a
model does not use stay, greyed, with a note; Remix and 'use as first frame' can be undone; the form survives a
crash; typed shot durations are taken as typed; a clip dropped on a frame zone gives its last/first frame."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from media_factory import make_mp4, make_png, make_wav
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox

from kling_desktop.catalog.models import all_models
from kling_desktop.catalog.spec import Workflow
from kling_desktop.core.form_draft import load_draft
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.core.validation import problems_for

W = Workflow
CASES = [(m, w) for m in all_models() for w in m.workflows]
AWAY = ("klingai:7@1", "klingai:avatar@2.0-pro", "klingai:kling-image@o1")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("media")
    return {
        "img": str(make_png(d / "img.png", 640, 480)),
        "img2": str(make_png(d / "img2.png", 640, 480, (20, 120, 60))),
        "vid": str(make_mp4(d / "in.mp4", 320, 320, 1.0, audio=True)),
        "wav": str(make_wav(d / "voice.wav", 1.0)),
    }


def _fill(form, media: dict[str, str]) -> None:
    """Put a non-default value into every input the current mode shows."""
    shown = form._shown
    if "prompt" in shown:
        form.prompt.set_text("A lighthouse at dusk, waves roll in")
    if "negative_prompt" in shown:
        form.negative.set_text("blurry")
    if "first_frame" in shown:
        form.first.set_path(media["img"])
    if "last_frame" in shown:
        form.last.set_path(media["img2"])
    if "shots" in shown:
        form.timeline.set_shots([Shot(prompt="wide", duration=4), Shot(prompt="close", duration=6)])
    kinds = {"image": media["img"], "video": media["vid"], "audio": media["wav"]}
    for name, zone in form.zones.lists.items():
        if name in shown:
            zone.set_paths([kinds[zone.kind]])
    if "input_image" in shown:
        form.zones.portrait.set_path(media["img2"])
    _fill_settings(form.settings, shown, form)


def _fill_settings(s, shown, form) -> None:
    """A non-default value in every setting the current mode shows."""
    if "duration" in shown and s.duration_combo.isVisibleTo(form):
        s.duration_combo.setCurrentIndex(s.duration_combo.count() - 1)
        s._remember_duration()
    elif "duration" in shown:
        s.duration_spin.setValue(s.duration_spin.value() + 2)
    if "size" in shown and s.size_combo.count() > 1:
        s.size_combo.setCurrentIndex(s.size_combo.count() - 1)
    if "resolution" in shown and s.resolution_combo.count() > 1:
        s.resolution_combo.setCurrentIndex(s.resolution_combo.count() - 1)
    if "cfg_scale" in shown:
        s.cfg.setValue(0.75)
    if "number_results" in shown:
        s.count.setValue(3)
    for name, w in s._setting_widgets.items():
        if f"settings.{name}" not in shown:
            continue
        if isinstance(w, QCheckBox):
            w.setChecked(not w.isChecked())
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(w.count() - 1)
        elif isinstance(w, QDoubleSpinBox):
            w.setValue(w.minimum() + (w.maximum() - w.minimum()) / 3)


def _inputs(form) -> tuple[GenerationRequest, dict]:
    return form.current_request(), {k: v for k, v in form.snapshot().items() if k != "memory"}


@pytest.mark.parametrize(("spec", "wf"), CASES, ids=[f"{m.air_id}-{w.value}" for m, w in CASES])
def test_switching_away_and_back_restores_every_input(window, media, spec, wf) -> None:
    form = window.form
    form.set_model(spec.air_id)
    form.set_mode(wf)
    _fill(form, media)
    form.refresh()
    before = _inputs(form)
    assert before[0].workflow == wf.value
    for other_mode in spec.workflows:  # every other mode of this model, then back
        form.set_mode(other_mode)
    form.set_mode(wf)
    assert _inputs(form) == before
    for away in AWAY:  # models that use almost none of these inputs, then back
        if away != spec.air_id:
            form.set_model(away)
            for other_mode in form.spec.workflows:
                form.set_mode(other_mode)
    form.set_model(spec.air_id)
    form.refresh()
    assert form.mode is wf
    assert _inputs(form) == before


def test_unused_inputs_stay_visible_greyed_with_a_note(window, qtbot, media) -> None:
    form = window.form
    form.set_model("klingai:kling@o1")
    form.set_mode(W.VIDEO_EDIT)
    form.zones.lists["input_video"].set_paths([media["vid"]])
    form.negative.set_text("")
    form.set_model("klingai:5@2")
    zone = form.zones.lists["input_video"]
    assert zone.isVisibleTo(form) and not zone.isEnabled()
    assert "not used by KlingAI 2.1 Pro" in zone.title.text()
    assert form.current_request().input_video is None, "an unused input is never sent"
    assert form.groups["prompt"].isVisibleTo(form) and form.groups["prompt"].isEnabled(), (
        "2.1 Pro takes a prompt"
    )


def test_remix_can_be_undone(window, qtbot, media) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    form.set_mode(W.IMAGE_TO_VIDEO)
    form.prompt.set_text("My careful prompt")
    form.first.set_path(media["img"])
    mine = form.current_request()
    remix = GenerationRequest(model="klingai:1@1", prompt="Someone else's prompt", duration=10)
    window.gallery.remix_requested.emit(remix.model_dump())  # as the gallery's Remix does
    assert form.prompt.text() == "Someone else's prompt" and form.spec.air_id == "klingai:1@1"
    assert form.undo_bar.isVisibleTo(form) and "remix" in form.undo_note.text()
    form.setFocus()
    qtbot.keyClick(form, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert form.current_request() == mine
    assert form.prompt.text() == "My careful prompt" and form.first.path() == media["img"]
    assert not form.undo_bar.isVisibleTo(form)


def test_use_as_first_frame_offers_undo(window, qtbot, media) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    form.set_mode(W.IMAGE_TO_VIDEO)
    form.first.set_path(media["img"])
    form.use_frame("first", media["img2"], "frame 12 of the viewer")
    assert form.first.path() == media["img2"]
    qtbot.waitUntil(lambda: not form.first.busy)
    assert "frame 12 of the viewer" in form.first.info.text()
    form.undo_button.click()
    assert form.first.path() == media["img"]


def test_a_clip_dropped_on_a_frame_zone_gives_its_last_or_first_frame(window, qtbot, tmp_path) -> None:
    from PIL import Image

    from kling_desktop.core.probe import extract_frame

    clip = make_mp4(tmp_path / "clip.mp4", 320, 320, 1.0)
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    form.set_mode(W.IMAGE_TO_VIDEO)
    for zone, which in ((form.first, "last"), (form.last, "first")):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(clip))])
        assert zone.accept_mime(mime)
        qtbot.waitUntil(lambda z=zone: not z.busy and z.path() is not None, timeout=15000)
        assert zone.problem() is None
        assert f"The {which} frame of clip.mp4" in zone.info.text()
        with Image.open(zone.path()) as got:
            expected = extract_frame(clip, which).convert("RGB")
            assert got.convert("RGB").tobytes() == expected.tobytes()


def test_typed_shot_durations(window, qtbot) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    form.timeline.set_shots([Shot(prompt="one", duration=3), Shot(prompt="two", duration=3)])
    colour = form.timeline._shots[1].color
    spin = form.timeline._spins[0]
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "12")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert [s.duration for s in form.timeline.shots()] == [12, 3]
    assert spin is form.timeline._spins[0], "the row being typed in is not rebuilt"
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "20")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert form.timeline.shots()[0].duration == 20, "no silent revert"
    note = form.timeline._notes[0]
    assert note.isVisibleTo(form) and "longer than 15 s" in note.text()
    form.refresh()
    assert not form.generate_button.isEnabled()
    form.timeline.move_shot(1, 0)
    assert form.timeline._shots[0].color == colour, "a shot keeps its colour when it moves"


def test_typed_duration_out_of_range_gets_a_message_at_the_field(window, qtbot) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    spin = form.settings.duration_spin
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "20")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    form.refresh()
    assert spin.value() == 20 and form.current_request().duration == 20
    err = form.settings.duration_error
    assert err.isVisibleTo(form) and "3–15" in err.text()
    assert not form.generate_button.isEnabled()


CRASHER = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from kling_desktop.ui.form import GenerationForm
    from kling_desktop.catalog.spec import Workflow
    app = QApplication([])
    form = GenerationForm(Path(sys.argv[1]), lambda name, spec: None)
    form.set_model("klingai:kling-video@o3-pro")
    form.set_mode(Workflow.REFERENCE_TO_VIDEO)
    form.prompt.set_text("Typed just before the crash")
    form.zones.lists["reference_images"].set_paths([sys.argv[2]])
    form.settings.duration_spin.setValue(9)
    form.refresh()
    form.save_draft()
    form.draft.flush()
    print("saved", flush=True)
    os.kill(os.getpid(), 9)
    """
)


def test_the_form_is_restored_after_a_crash(qtbot, tmp_path, media) -> None:
    from kling_desktop.ui.form import GenerationForm

    cache = tmp_path / "cache"
    proc = subprocess.run(
        [sys.executable, "-c", CRASHER, str(cache), media["img"]],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert proc.returncode == -signal.SIGKILL and "saved" in proc.stdout, proc.stderr
    assert load_draft(cache / "form-draft.json") is not None
    form = GenerationForm(cache, lambda name, spec: None)
    qtbot.addWidget(form)
    qtbot.waitUntil(lambda: form.spec is not None, timeout=5000)  # restored on the first event-loop turn
    req = form.current_request()
    assert req.model == "klingai:kling-video@o3-pro" and req.workflow == W.REFERENCE_TO_VIDEO.value
    assert req.prompt == "Typed just before the crash"
    assert req.reference_images == (media["img"],)
    assert req.duration == 9


def test_the_draft_is_written_off_the_gui_thread_as_you_type(window, qtbot, monkeypatch) -> None:
    import threading

    from kling_desktop.core import form_draft

    threads: list[str] = []
    real = form_draft.write_draft

    def spy(path, form):
        threads.append(threading.current_thread().name)
        real(path, form)

    monkeypatch.setattr(form_draft, "write_draft", spy)
    form = window.form
    form.set_model("klingai:1@1")
    form.prompt.set_text("Saved as I type")
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    form.draft.flush()
    assert threading.main_thread().name not in threads
    assert load_draft(form.draft.path)["prompt"] == "Saved as I type"


def test_reference_video_type_is_chosen_in_the_reference_video_zone(window, qtbot, media) -> None:
    form = window.form
    form.set_model("klingai:kling-video@o3-pro")
    form.set_mode(W.REFERENCE_TO_VIDEO)
    form.prompt.set_text("Keep the dancer, change the city")
    form.zones.lists["reference_videos"].set_paths([media["vid"]])
    combo = form.zones.refer_type
    assert combo.isVisibleTo(form) and combo.currentData() == "feature"
    assert form.current_request().reference_video_types == ("feature",)
    combo.setCurrentIndex(combo.findData("base"))
    req = form.current_request()
    assert req.reference_video_types == ("base",) and req.refer_type(0) == "base"
    assert not [p for p in problems_for(req) if p.field == "reference_video_types"]
    form.set_model("klingai:kling@o1")  # O1 takes no reference type: nothing is sent
    form.set_mode(W.REFERENCE_TO_VIDEO)
    assert not combo.isVisibleTo(form) and form.current_request().reference_video_types == ()


def test_a_failed_drop_keeps_the_good_frame(window, qtbot, media, tmp_path) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    form.set_mode(W.IMAGE_TO_VIDEO)
    form.first.set_path(media["img"])
    qtbot.waitUntil(lambda: not form.first.busy, timeout=10000)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(broken))])
    form.first.accept_mime(mime)
    qtbot.waitUntil(lambda: not form.first.busy, timeout=10000)
    assert form.first.path() == media["img"] and form.first.problem() is None
    assert "broken.mp4" in form.first.info.text() and "Kept the image" in form.first.info.text()
