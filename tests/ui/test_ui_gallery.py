"""The gallery, details and player on a library of real MP4s made here."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from media_factory import make_mp4
from PIL import Image, ImageStat
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.model import Job
from kling_desktop.library.records import ClipFilter
from kling_desktop.ui.gallery_model import GalleryModel
from kling_desktop.ui.gallery_workspace import GalleryWorkspace
from kling_desktop.ui.history.model import HistoryModel

PROMPTS = ("A red kite over the dunes", "Rain on a tin roof at night", "A lighthouse in a storm")


@pytest.fixture
def library(services):
    store = services.library
    for i, prompt in enumerate(PROMPTS):
        media = make_mp4(store.media_dir / f"c{i}.mp4", 160, 90, 1.5, audio=True, last_color=(10, 240, 10))
        req = GenerationRequest(model="klingai:1@1", prompt=prompt, width=720, height=720)
        store.add_job_result(
            Job(
                id=f"c{i}",
                task_id=f"t{i}",
                provider="local",
                model=req.model,
                request=req,
                files=(str(media),),
                created_at=f"2026-11-2{i}T10:00:00+00:00",
            )
        )
    return store


@pytest.fixture
def gallery(qtbot, library, services, tmp_path):
    ws = GalleryWorkspace(library, tmp_path / "thumbs", tmp_path / "frames")
    qtbot.addWidget(ws)
    ws.resize(1000, 700)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() == 3, timeout=10000)
    yield ws
    ws.player.stop()


def test_models_pass_the_qt_model_tester(qtmodeltester, gallery) -> None:
    qtmodeltester.check(gallery.model)
    jobs = HistoryModel()
    for i in range(3):
        jobs.upsert(
            Job(
                id=f"j{i}",
                task_id="t",
                provider="local",
                model="klingai:1@1",
                request=GenerationRequest(model="klingai:1@1"),
            )
        )
    qtmodeltester.check(jobs)


def test_thumbnails_load_off_thread_and_data_does_no_io(gallery, qtbot, monkeypatch) -> None:
    model = gallery.model
    qtbot.waitUntil(lambda: all(model.pixmaps.get(c.id) is not None for c in model.clips), timeout=15000)

    def no_io(*a, **k):
        raise AssertionError("data() touched the store")

    monkeypatch.setattr(model.store, "query", no_io)
    monkeypatch.setattr("kling_desktop.ui.gallery_model.thumbnail", no_io)
    for row in range(model.rowCount()):
        for role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            model.data(model.index(row), role)
    assert model.pixmaps.bytes <= model.pixmaps.max_bytes


def test_search_narrows_the_grid(gallery, qtbot) -> None:
    gallery.search.setText("lighthouse")
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 1, timeout=10000)
    assert gallery.model.clips[0].prompt == PROMPTS[2]
    gallery.search.setText("")
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 3, timeout=10000)


def test_drag_out_holds_file_urls(gallery) -> None:
    model = gallery.model
    mime = model.mimeData([model.index(0), model.index(1)])
    paths = [u.toLocalFile() for u in mime.urls()]
    clips = [model.clip_at(0), model.clip_at(1)]
    # readable names (date, model, start of the prompt), the very same files (hard links: nothing copied)
    assert [Path(p).name for p in paths] == [
        f"{c.created_at[:10]} KlingAI 1.0 Standard - {c.prompt}.mp4" for c in clips if c is not None
    ]
    assert all(Path(p).samefile(c.path) for p, c in zip(paths, clips, strict=True) if c is not None)
    assert model.flags(model.index(0)) & Qt.ItemFlag.ItemIsDragEnabled


def test_player_position_advances(gallery, qtbot, aloop) -> None:
    gallery.play(gallery.model.clips[0])
    qtbot.waitUntil(lambda: gallery.player.media.position() > 0, timeout=15000)
    assert gallery.player.media.duration() > 1000


@pytest.mark.qt_log_ignore(
    "Could not open media"
)  # the decoder's own complaint: expected here, and only here
def test_player_explains_a_file_it_cannot_play(gallery, qtbot, tmp_path) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 4096)
    gallery.player.open(str(bad))
    qtbot.waitUntil(lambda: "cannot be played" in gallery.player.message.text(), timeout=15000)
    assert "broken.mp4" in gallery.player.message.text()


def test_continue_from_last_frame_emits_the_true_last_frame(gallery, qtbot) -> None:
    clip = gallery.model.clips[0]
    with qtbot.waitSignal(gallery.continue_requested, timeout=15000) as blocker:
        gallery.continue_from_last_frame(clip)
    with Image.open(blocker.args[0]) as im:
        assert im.size == (160, 90)
        r, g, b = ImageStat.Stat(im.convert("RGB")).mean
    assert g > 200 and r < 60


def test_delete_keeps_model_and_store_consistent(gallery, qtbot, library) -> None:
    view = gallery.view
    view.selectionModel().select(gallery.model.index(0), view.selectionModel().SelectionFlag.Select)
    victim = gallery.model.clips[0]
    gallery.delete_selected(confirm=False)
    assert gallery.model.rowCount() == 2 and victim.id not in [c.id for c in gallery.model.clips]
    qtbot.waitUntil(lambda: not gallery.deleting, timeout=10000)
    assert library.count() == 2 and not Path(victim.path).exists()
    assert library.count(ClipFilter(text=victim.prompt.split()[1])) == 0


def test_details_show_every_parameter(gallery) -> None:
    clip = gallery.model.clips[0]
    gallery.details.show_clip(clip)
    text = gallery.details.toPlainText()
    for words in (clip.prompt, "KlingAI 1.0 Standard", "Draft (this computer)", "720×720", clip.task_id):
        assert words in text


def test_remix_from_the_context_menu_emits_the_clips_request(gallery, qtbot) -> None:
    """Right-click a clip, choose Remix: the request it was made with comes out (as the library fixture
    stored it), ready for the form."""
    index = gallery.model.index(0)
    gallery.view.setCurrentIndex(index)
    chosen: list[str] = []

    def choose_remix() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose_remix)
            return
        action = next(a for a in menu.actions() if a.text().startswith("Remix"))
        chosen.append(action.text())
        action.trigger()
        menu.close()

    QTimer.singleShot(0, choose_remix)
    with qtbot.waitSignal(gallery.remix_requested, timeout=10000) as blocker:
        gallery.view.customContextMenuRequested.emit(gallery.view.visualRect(index).center())
    assert chosen == ["Remix (load into the form)"]
    remixed = GenerationRequest.model_validate(blocker.args[0])
    assert remixed.prompt in PROMPTS
    assert remixed == GenerationRequest(model="klingai:1@1", prompt=remixed.prompt, width=720, height=720)


def test_empty_library_invites_a_first_drop(qtbot, services, tmp_path) -> None:
    ws = GalleryWorkspace(services.library, tmp_path / "t", tmp_path / "f")
    qtbot.addWidget(ws)
    ws.show()
    qtbot.waitUntil(lambda: ws.grid_stack.currentWidget() is ws.empty, timeout=10000)
    assert "Drop an image" in ws.empty.text()


def test_gallery_model_pages_lazily(qtbot, services, tmp_path) -> None:
    from kling_desktop.library.records import Clip

    for i in range(300):
        services.library.add(
            Clip(
                id=f"x{i:03}",
                path=str(tmp_path / f"x{i}.mp4"),
                title=f"clip {i}",
                created_at=f"2026-01-01T00:{i // 60:02}:{i % 60:02}",
            ),
            sidecar=False,
        )
    model = GalleryModel(services.library, tmp_path / "thumbs")
    model.set_query(ClipFilter())
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10000)
    assert model.rowCount() == 120 and model.total == 300 and model.can_load_more()
    model.load_more()
    qtbot.waitUntil(lambda: model.rowCount() == 240, timeout=10000)
    asyncio.set_event_loop(None)


@pytest.mark.parametrize(("ratio", "size"), [(1.0, (320, 180)), (2.0, (640, 360))])
def test_thumbnails_are_made_at_the_screens_pixel_ratio(library, qtbot, tmp_path, ratio, size) -> None:
    """At 200 % a tile is drawn with twice the pixels: its thumbnail must have them, or it is blurry."""
    model = GalleryModel(library, tmp_path / f"thumbs-{ratio}", device_pixel_ratio=ratio)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(ClipFilter())
    assert model.rowCount() == 3
    index = model.index(0)
    model.data(index, Qt.ItemDataRole.DecorationRole)  # asks for it (made off the GUI thread)
    qtbot.waitUntil(lambda: model.data(index, Qt.ItemDataRole.DecorationRole) is not None, timeout=20000)
    pix = model.data(index, Qt.ItemDataRole.DecorationRole)
    assert (pix.width(), pix.height()) == size
