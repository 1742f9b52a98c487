"""The real widgets, offscreen: the form follows each ModelSpec, drop zones, timeline limits, Generate."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from media_factory import make_png
from PySide6.QtCore import QMimeData, QTimer, QUrl

from kling_desktop.catalog.models import all_models
from kling_desktop.catalog.spec import Workflow
from kling_desktop.core.request import Shot
from kling_desktop.jobs.states import JobState

# Expectations written from the catalog's data alone, independently of kling_desktop.core.form_fields (which
# drives the form): a workflow's inputs are the ones the catalog lists *for that workflow*.
TITLES = {
    "text-to-video": "Text to video",
    "image-to-video": ("First frame", "First/last frame"),
    "reference-to-video": "References",
    "video-edit": "Edit video",
    "video-to-video": "Edit video",
    "motion-control": "Motion control",
    "lip-sync": "Lip-sync",
    "avatar": "Avatar",
    "text-to-image": "Text to image",
    "image-to-image": "Image to image",
}
SIZED = {"required", "optional", "optional-or-resolution"}


def _expected(spec, wf) -> set[str]:
    frames = spec.frame_images.get(wf, ())
    size_mode = spec.dimension_modes.get(wf, "inferred")
    multi = next((s for s in spec.provider_settings if s.name == "multiPrompt"), None)
    out = {
        name
        for name, on in {
            "prompt": spec.prompt is not None,
            "negative_prompt": spec.negative_prompt is not None,
            "cfg_scale": spec.cfg is not None,
            "first_frame": "first" in frames,
            "last_frame": "last" in frames,
            "shots": bool(spec.multi_prompt_max)
            and (multi is None or not multi.workflows or wf in multi.workflows),
            "duration": wf in spec.durations,
            "size": bool(spec.dimensions) and size_mode in SIZED,
            "resolution": bool(spec.resolutions) and size_mode == "optional-or-resolution",
            "reference_images": wf in spec.reference_images,
            "reference_videos": wf in spec.reference_videos,
            "reference_voices": bool(spec.reference_voices_max)
            and wf in ("text-to-video", "image-to-video", "reference-to-video"),
            "input_video": spec.input_video is not None
            and wf in ("video-edit", "video-to-video", "lip-sync"),
            "input_audio": spec.input_audio is not None and wf in ("lip-sync", "avatar"),
            "input_image": spec.input_image is not None and wf == "avatar",
            "number_results": spec.kind == "image",
        }.items()
        if on
    }
    takes_video = bool({"reference_videos", "input_video"} & out)
    out |= {
        f"settings.{s.name}"
        for s in spec.provider_settings
        if s.type != "shots"
        and (not s.workflows or wf in s.workflows)
        and (takes_video or not s.requires_reference_video)
    }
    return out


def test_every_mode_of_every_model_shows_exactly_its_fields(window, qtbot) -> None:
    form = window.form
    for spec in all_models():
        form.set_model(spec.air_id)
        assert form.picker.current() == spec.air_id
        titles = [TITLES[w.value] for w in spec.workflows]
        titles = [
            (t[1] if "last" in spec.frame_images.get(w, ()) else t[0]) if isinstance(t, tuple) else t
            for t, w in zip(titles, spec.workflows, strict=True)
        ]
        assert form.modes.titles() == titles, spec.air_id
        for index, wf in enumerate(spec.workflows):
            form.modes.tabs.setCurrentIndex(index)
            assert form.mode is wf and form.current_request().workflow == wf.value
            assert form.modes.help.text(), "each mode says in one line what it does"
            assert form.visible_field_names() == _expected(spec, wf), (spec.air_id, wf.value)


def test_model_switch_reshapes_durations_and_sizes(window) -> None:
    form = window.form
    form.set_model("klingai:1@1")
    combo = form.settings.duration_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [5, 10]
    assert not form.settings.duration_spin.isVisibleTo(form)
    form.set_model("klingai:kling-video@3-pro")
    spin = form.settings.duration_spin
    assert spin.isVisibleTo(form) and spin.value() == 5
    sizes = [form.settings.size_combo.itemData(i) for i in range(form.settings.size_combo.count())]
    assert sizes == [(1920, 1080), (1440, 1440), (1080, 1920)]
    form.set_model("klingai:6@0")
    assert not form.settings.size_combo.isVisibleTo(form) and "first frame" in form.settings.size_note.text()


def _drop(zone, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    assert zone.accept_mime(mime)


def test_drop_valid_small_and_non_image(window, qtbot, tmp_path) -> None:
    form = window.form
    form.set_model("klingai:5@2")
    _drop(form.first, make_png(tmp_path / "ok.png", 1280, 720))
    qtbot.waitUntil(lambda: not form.first.busy, timeout=10000)
    assert form.first.problem() is None and "1280×720 PNG" in form.first.info.text()
    assert not form.first.preview.pixmap().isNull()
    _drop(form.last, make_png(tmp_path / "small.png", 200, 150))
    qtbot.waitUntil(lambda: not form.last.busy, timeout=10000)
    assert "at least 300 px" in form.last.problem()
    (tmp_path / "doc.png").write_bytes(b"%PDF-1.7 not an image")
    _drop(form.first, tmp_path / "doc.png")
    qtbot.waitUntil(lambda: not form.first.busy, timeout=10000)
    assert "a PDF document" in form.first.problem()
    form.refresh()
    assert any("PDF" in m for m in form.problem_messages())


def test_swap_loop_and_clear(window, qtbot, tmp_path) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    form.set_mode(Workflow.IMAGE_TO_VIDEO)
    a, b = make_png(tmp_path / "a.png", 800, 600), make_png(tmp_path / "b.png", 800, 600, (0, 0, 200))
    form.first.set_path(str(a))
    form.last.set_path(str(b))
    form.swap_frames()
    assert (form.first.path(), form.last.path()) == (str(b), str(a))
    form.loop_button.click()
    assert form.last.path() == str(b)
    form.first.clear_button.click()
    assert form.first.path() is None


def test_pasted_image_data_becomes_a_frame(window, qtbot) -> None:
    from PySide6.QtGui import QImage

    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    image = QImage(640, 360, QImage.Format.Format_RGB32)
    image.fill(0x3366AA)
    mime = QMimeData()
    mime.setImageData(image)
    assert form.first.accept_mime(mime)
    qtbot.waitUntil(lambda: form.first.path() is not None and not form.first.busy, timeout=10000)
    assert form.first.problem() is None and "640×360" in form.first.info.text()


def test_timeline_limits(window) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    tl = form.timeline
    for i in range(8):
        tl.add_shot(f"shot {i}", 2)
    assert len(tl.shots()) == 6 and not tl.add_button.isEnabled()
    assert "at most 6 shots" in tl.add_button.toolTip()
    assert tl.total.text().startswith("6/6 shots · 12 s of 3–15 seconds")
    tl.set_seconds(0, 6)
    assert tl.total_seconds() == 16 and tl.total.objectName() == "error"
    form.refresh()
    assert any("add up to 16 s" in m for m in form.problem_messages())
    tl.move_shot(0, 2)
    assert tl.shots()[2] == Shot(prompt="shot 0", duration=6)
    tl.remove_shot(2)
    assert len(tl.shots()) == 5 and tl.add_button.isEnabled()


def test_generate_on_the_draft_provider_finishes_with_a_file(window, qtbot, aloop, services) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-standard")
    form.prompt.set_text("A paper lantern sways in the evening wind")
    form.settings.duration_spin.setValue(3)
    form.refresh()
    assert form.problem_messages() == []
    form.generate_button.click()

    async def finished():
        while True:
            jobs = services.journal.recent()
            if jobs and jobs[0].state.finished:
                return jobs[0]
            await asyncio.sleep(0.1)

    job = aloop.run_until_complete(asyncio.wait_for(finished(), 120))
    assert job.state is JobState.DONE, job.error
    assert Path(job.files[0]).exists()

    async def shown_in_history() -> None:  # the window hears of it through its signal, not by a sleep
        model = window.jobs.model
        while not (model.rowCount() == 1 and model.jobs[0].state is JobState.DONE):
            await asyncio.sleep(0.05)

    aloop.run_until_complete(asyncio.wait_for(shown_in_history(), 30))


def test_invalid_form_does_not_submit(window, services) -> None:
    form = window.form
    form.set_model("klingai:1@1")
    form.prompt.set_text("x")
    form.generate()
    assert "Prompt: must be 2–2500 characters; it has 1." in form.problem_messages()
    assert form.field_errors["prompt"].text() == "Prompt: must be 2–2500 characters; it has 1."
    assert not form.generate_button.isEnabled() and "Prompt" in form.generate_button.toolTip()
    assert services.journal.recent() == []


class _SlowImage(BaseHTTPRequestHandler):
    body = b""

    def log_message(self, *a: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        for i in range(0, len(self.body), 8192):
            self.wfile.write(self.body[i : i + 8192])
            time.sleep(0.03)


def test_url_drop_downloads_off_the_gui_thread(window, qtbot, tmp_path) -> None:
    import os

    from PIL import Image

    Image.frombytes("RGB", (320, 320), os.urandom(320 * 320 * 3)).save(tmp_path / "web.png")
    _SlowImage.body = (tmp_path / "web.png").read_bytes()  # ~300 KB of noise: about a second to trickle in
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowImage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    try:
        form = window.form
        form.set_model("klingai:kling-video@3-pro")
        mime = QMimeData()
        mime.setUrls([QUrl(f"http://127.0.0.1:{server.server_address[1]}/web.png")])
        started = time.monotonic()
        assert form.first.accept_mime(mime)
        assert time.monotonic() - started < 0.5  # returned at once: the download is on a worker thread
        qtbot.waitUntil(lambda: form.first.path() is not None and not form.first.busy, timeout=20000)
        assert form.first.problem() is None
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        assert len(ticks) > 5 and max(gaps) < 0.5  # the event loop kept turning during the download
    finally:
        timer.stop()
        server.shutdown()
        server.server_close()


def test_settings_persist_last_model_and_form(window, qtbot, services) -> None:
    from kling_desktop.ui.main_window import MainWindow

    window.form.set_model("klingai:kling-video@o3-pro")
    window.form.prompt.set_text("Keep this prompt")
    window.save_state()
    again = MainWindow(services)
    qtbot.addWidget(again)
    assert again.form.spec.air_id == "klingai:kling-video@o3-pro"
    assert again.form.prompt.text() == "Keep this prompt"
    again.bridge.close()


@pytest.mark.parametrize("air_id", ["klingai:kling-video@2.6-pro"])
def test_voice_tags_offered_where_voices_exist(window, air_id) -> None:
    window.form.set_model(air_id)
    menus = [a.text() for a in window.form.prompt.menu.actions()]
    assert "Voice tag" in menus
    window.form.set_model("klingai:1@1")
    assert "Voice tag" not in [a.text() for a in window.form.prompt.menu.actions()]


def test_provider_limits_show_before_submit(window, qtbot, tmp_path) -> None:
    from media_factory import make_mp4

    form = window.form
    form.set_model("klingai:kling@o1")
    form.set_mode(Workflow.VIDEO_EDIT)
    form.prompt.set_text("Make it night")
    form.zones.lists["input_video"].add_path(str(make_mp4(tmp_path / "in.mp4", 960, 720, 4.0)))
    qtbot.waitUntil(lambda: not form.zones.busy(), timeout=15000)
    form.settings.provider.setCurrentIndex(form.settings.provider.findData("kling"))
    form.refresh()
    assert any(m.startswith("Provider:") and "public URL" in m for m in form.problem_messages())
    form.settings.provider.setCurrentIndex(form.settings.provider.findData("runware"))
    form.refresh()
    assert form.problem_messages() == []


def test_labels_and_messages_use_words(window, qtbot) -> None:
    """No keys ("input_video:", "settings.fast"), no raw values ("customize"), no stray mnemonics."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel

    key = re.compile(r"\b[a-z]+_[a-z_]+\b|\bsettings\.\w+|\b(?i:customize|intelligence)\b")
    form = window.form
    seen = 0
    for spec in all_models():
        form.set_model(spec.air_id)
        for wf in spec.workflows:
            form.set_mode(wf)
            form.refresh()
            texts = [w.text() for w in form.findChildren(QLabel) if w.isVisibleTo(form)]
            texts += [w.title() for w in form.findChildren(QGroupBox) if w.isVisibleTo(form)]
            texts += [w.text() for w in form.findChildren(QAbstractButton) if w.isVisibleTo(form)]
            texts += [
                c.itemText(i)
                for c in form.findChildren(QComboBox)
                if c.isVisibleTo(form)
                for i in range(c.count())
            ]
            texts += form.problem_messages()
            for text in texts:
                plain = re.sub(r"<[^>]+>|<<<voice_\d>>>", "", text)
                assert not key.search(plain), (spec.air_id, wf.value, text)
                seen += 1
    assert seen > 500
    actions = [a.text() for a in form.prompt.menu.actions()]
    assert any("Audio && Style" in t for t in actions), "an ampersand shown as itself, not as a mnemonic"
    assert all("&" not in t.replace("&&", "") for t in actions)
