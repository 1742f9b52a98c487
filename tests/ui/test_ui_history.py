"""One history of everything made: the same after a restart (a new window on the same data folder), failed
jobs retried from it, cheap updates, names people read instead of model ids."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState
from kling_desktop.ui.history.model import HistoryFilter, HistoryModel

pytestmark = pytest.mark.qt_log_ignore("pipewire")  # QtMultimedia probes for an optional PipeWire backend

MODEL = "klingai:kling-video@3-standard"
AIR_ID = re.compile(r"klingai:|\b\d+@\d+\b|kling-video@")


def draft(prompt: str) -> GenerationRequest:
    return GenerationRequest(model=MODEL, prompt=prompt, duration=3)


def failed_job(prompt: str, minutes_ago: int) -> Job:
    created = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds")
    return Job(
        id=f"failed{minutes_ago:04}",
        task_id=f"task{minutes_ago:04}",
        provider="local",
        model=MODEL,
        request=draft(prompt),
        state=JobState.FAILED,
        error="The draft renderer stopped: out of disk space. Press Retry when there is room.",
        failed_by="here",
        created_at=created,
        finished_at=created,
    )


def make_jobs(n: int) -> list[Job]:
    states = list(JobState)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        Job(
            id=f"j{i:04}",
            task_id=f"t{i}",
            provider="local" if i % 2 else "runware",
            model=MODEL if i % 3 else "klingai:5@2",
            request=draft(f"prompt number {i}"),
            state=states[i % len(states)],
            cost=None if i % 2 else 0.25,
            created_at=(base + timedelta(minutes=i)).isoformat(),
        )
        for i in range(n)
    ]


def test_history_models_pass_the_qt_model_tester(qtmodeltester) -> None:
    model = HistoryModel()
    model.set_jobs(make_jobs(12))
    qtmodeltester.check(model)
    proxy = HistoryFilter()
    proxy.setSourceModel(model)
    proxy.set_text("number 1")
    qtmodeltester.check(proxy)
    model.upsert(make_jobs(13)[-1])
    qtmodeltester.check(model)


def test_newest_first_and_one_change_signal_per_tick_for_200_jobs() -> None:
    model = HistoryModel()
    model.set_jobs(make_jobs(200))
    assert [model.jobs[0].id, model.jobs[-1].id] == ["j0199", "j0000"]
    changes: list[tuple[QModelIndex, QModelIndex]] = []
    model.dataChanged.connect(lambda a, b, *_: changes.append((a, b)))
    model.tick()
    assert len(changes) == 1
    top, bottom = changes[0]
    assert top.column() == bottom.column() == 4 and top.row() <= bottom.row()


def test_200_jobs_changing_together_are_one_change_and_one_insertion() -> None:
    model = HistoryModel()
    jobs = make_jobs(400)
    model.set_jobs(jobs[:200])
    changes: list[tuple[int, int]] = []
    inserts: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changes.append((a.row(), b.row())))
    model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    moved = [replace(j, state=JobState.DONE) for j in jobs[:200]]
    model.upsert_many(moved + jobs[200:])
    assert changes == [(0, 199)]  # the known rows, in one signal, before the new ones push them down
    assert inserts == [(0, 199)]
    assert [j.id for j in model.jobs] == [f"j{i:04d}" for i in reversed(range(400))]  # newest first
    assert all(model.jobs[model.row_of(j.id)].state is JobState.DONE for j in moved)


def test_thumbnails_are_decoded_for_the_rows_on_screen(qtbot, tmp_path) -> None:
    """300 clips finishing together ask for a screenful of thumbnails; scrolling asks for the rest."""
    from media_factory import make_mp4

    from kling_desktop.ui.history.panel import HistoryPanel

    clip = make_mp4(tmp_path / "clip.mp4")
    panel = HistoryPanel(thumb_dir=tmp_path / "thumbs")
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    done = [replace(j, state=JobState.DONE, files=[str(clip)]) for j in make_jobs(300)]
    panel.show_jobs(done)

    def thumbs() -> set[int]:
        return {panel.model.row_of(job_id) or 0 for job_id in panel.model.thumbs}

    qtbot.waitUntil(lambda: 0 in thumbs() and 5 in thumbs(), timeout=10000)
    qtbot.wait(300)
    assert max(thumbs()) < 40  # about a screenful (400 px of 36 px rows) and a few more, not 300
    panel.view.scrollToBottom()
    qtbot.waitUntil(lambda: 299 in thumbs(), timeout=10000)


def test_filters_and_full_text_search() -> None:
    model = HistoryModel()
    model.set_jobs(make_jobs(40))
    proxy = HistoryFilter()
    proxy.setSourceModel(model)
    proxy.set_states(frozenset({JobState.FAILED}))
    assert proxy.rowCount() == sum(j.state is JobState.FAILED for j in model.jobs) > 0
    proxy.set_states(None)
    proxy.set_text("KlingAI 2.1 pro")  # the model's name finds it; its id is not what people type
    assert proxy.rowCount() == sum(j.model == "klingai:5@2" for j in model.jobs) > 0
    proxy.set_text("prompt number 17")
    assert proxy.rowCount() == 1


def visible_texts(root: QWidget) -> list[str]:
    """Every text a person can see in the window: labels, buttons, combo items, fields, documents, tabs,
    table cells and headers, the title."""
    texts = [root.windowTitle()]
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(w.text())
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QLineEdit):
            texts += [w.text(), w.placeholderText()]
        elif isinstance(w, QTextEdit):
            texts.append(w.toPlainText())
        elif isinstance(w, QTabWidget):
            texts += [w.tabText(i) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            for r in range(min(m.rowCount(), 50)):
                for c in range(m.columnCount()):
                    texts.append(str(m.index(r, c).data(Qt.ItemDataRole.DisplayRole) or ""))
            for c in range(m.columnCount()):
                texts.append(str(m.headerData(c, Qt.Orientation.Horizontal) or ""))
    return texts


def until(aloop, predicate, timeout: float = 60) -> None:
    """Run the event loop (Qt and asyncio: the runner works on it) until ``predicate()`` holds."""

    async def wait() -> None:
        while not predicate():
            await asyncio.sleep(0.05)

    aloop.run_until_complete(asyncio.wait_for(wait(), timeout))


def run_to_end(aloop, services, job_id: str) -> Job:
    async def finished() -> Job:
        while True:
            job = await asyncio.to_thread(services.journal.get, job_id)
            if job.state.finished:
                return job
            await asyncio.sleep(0.1)

    return aloop.run_until_complete(asyncio.wait_for(finished(), 120))


def test_history_survives_a_restart_and_retry_works_from_it(qtbot, aloop, services, kd_home) -> None:
    from kling_desktop.core.paths import AppPaths
    from kling_desktop.services import build_services
    from kling_desktop.ui.main_window import MainWindow

    first = MainWindow(services)
    qtbot.addWidget(first)
    first.show()
    done = aloop.run_until_complete(services.runner.submit(draft("A paper lantern sways"), "local"))
    done = run_to_end(aloop, services, done.id)
    assert done.state is JobState.DONE, done.error
    services.journal.add(failed_job("A kite over the dunes", 30))
    qtbot.waitUntil(lambda: first.history.model.rowCount() >= 1, timeout=10000)
    first.close()

    # A new window on the same data folder: as after quitting and starting again.
    again = build_services(AppPaths.default())
    try:
        window = MainWindow(again)
        qtbot.addWidget(window)
        window.show()
        history = window.history
        qtbot.waitUntil(lambda: history.model.rowCount() == 2, timeout=10000)
        assert [j.id for j in history.model.jobs] == [done.id, "failed0030"]  # newest first
        assert [history.model.index(r, 0).data() for r in range(2)] == ["Done", "Failed"]
        # the finished clip has its thumbnail in the feed, drawn at the screen's pixel ratio
        qtbot.waitUntil(lambda: history.model.index(0, 1).data(Qt.ItemDataRole.DecorationRole) is not None)
        thumb = history.model.index(0, 1).data(Qt.ItemDataRole.DecorationRole)
        assert thumb.devicePixelRatio() == window.devicePixelRatioF() and thumb.height() > 0
        history.select_job("failed0030")
        assert "out of disk space" in history.message.text()
        assert "Retry renders the draft again" in history.message.text()
        assert history.retry_button.isEnabled()
        assert not any(AIR_ID.search(t) for t in visible_texts(window)), [
            t for t in visible_texts(window) if AIR_ID.search(t)
        ]
        qtbot.mouseClick(history.retry_button, Qt.MouseButton.LeftButton)
        until(aloop, lambda: history.model.rowCount() == 3)
        retried = history.model.jobs[0]
        assert retried.retry_of == "failed0030"
        finished = run_to_end(aloop, again, retried.id)
        assert finished.state is JobState.DONE, finished.error
        until(aloop, lambda: history.model.jobs[0].state is JobState.DONE)
        assert history.model.index(0, 0).data() == "Done (retried)"
        window.close()
    finally:
        aloop.run_until_complete(again.aclose())


def test_no_model_id_in_any_visible_text(window, qtbot, aloop, services) -> None:
    services.journal.add(failed_job("A heron lands", 5))
    cloud = failed_job("Neon rain", 3)
    services.journal.add(
        Job(**{**cloud.__dict__, "id": "cloud1", "provider": "runware", "model": "klingai:5@2"})
    )
    window.load_history()
    qtbot.waitUntil(lambda: window.history.model.rowCount() == 2, timeout=10000)
    window.history.select_job("cloud1")
    window.tabs.setCurrentWidget(window.gallery)
    qtbot.waitUntil(lambda: window.gallery.model_filter.count() >= 1, timeout=10000)
    texts = visible_texts(window)
    window.tabs.setCurrentWidget(window.history)
    texts += visible_texts(window)
    assert "KlingAI 2.1 Pro" in " ".join(texts)
    assert not [t for t in texts if AIR_ID.search(t)]


def test_narrow_history_keeps_the_prompt_readable_without_scrolling_sideways(qtbot) -> None:
    from kling_desktop.ui.history.model import CREATED, PROMPT
    from kling_desktop.ui.history.panel import HistoryPanel

    panel = HistoryPanel()
    qtbot.addWidget(panel)
    panel.set_jobs(make_jobs(5))
    panel.resize(1400, 400)
    panel.show()
    qtbot.waitExposed(panel)
    header = panel.view.horizontalHeader()
    assert not header.isSectionHidden(CREATED)
    for width in (1400, 760):
        panel.resize(width, 400)
        qtbot.wait(50)
        assert header.sectionSize(PROMPT) >= 200, width
        assert not panel.view.horizontalScrollBar().isVisible(), width
    assert header.isSectionHidden(CREATED)


def test_retry_that_bills_again_asks_first(window, qtbot, aloop, services, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    cloud = failed_job("Neon rain", 3)
    services.journal.add(
        Job(**{**cloud.__dict__, "id": "cloud2", "provider": "runware", "failed_by": "provider"})
    )
    window.load_history()
    qtbot.waitUntil(lambda: window.history.model.rowCount() == 1, timeout=10000)
    window.history.select_job("cloud2")
    assert "billed again" in window.history.message.text()
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text: asked.append(text) or QMessageBox.StandardButton.No
    )
    retried: list[str] = []
    monkeypatch.setattr(services.runner, "retry", lambda job_id: retried.append(job_id))
    window.history.retry_button.click()
    assert asked and "billed again" in asked[0] and retried == []  # said no: nothing sent, nothing billed


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (2560, 1440)])
def test_the_window_fits_with_generate_in_view_and_nothing_sideways(window, qtbot, size) -> None:
    window.resize(*size)
    window.fit_panes(*size)
    qtbot.wait(100)
    assert window.width() <= size[0] and window.height() <= size[1]
    button = window.form.generate_button
    top_left = button.mapTo(window, button.rect().topLeft())
    assert button.isVisible() and 0 <= top_left.y() and top_left.y() + button.height() <= window.height()
    scroll = window.form_scroll
    assert scroll.widget().width() <= scroll.viewport().width()  # the form never scrolls sideways
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    assert not window.history.view.horizontalScrollBar().isVisible()
    assert window.viewer.width() > scroll.width()  # the viewer is the largest pane
    scrubber = window.viewer.bar.scrubber
    assert scrubber.width() > window.viewer.width() * 0.9


def test_waiting_jobs_say_when_they_check_again_and_cloud_jobs_show_an_estimate() -> None:
    from kling_desktop.ui.history.model import COST, STATUS

    next_check = datetime(2026, 3, 1, 14, 5, 30, tzinfo=UTC)
    waiting = Job(
        id="w1",
        task_id="t",
        provider="runware",
        model="klingai:5@2",
        request=GenerationRequest(model="klingai:5@2", prompt="Neon rain", duration=5),
        state=JobState.WAITING,
        submitted_at="2026-03-01T14:00:00+00:00",
        wait_reason="offline",
        next_check_at=next_check.isoformat(),
    )
    model = HistoryModel()
    model.set_jobs([waiting])
    status = model.index(0, STATUS).data()
    assert status == f"Waiting · next check {next_check.astimezone().strftime('%H:%M:%S')}"
    assert model.index(0, COST).data().startswith("about $")
    assert "checking again" in model.index(0, STATUS).data(Qt.ItemDataRole.ToolTipRole)
