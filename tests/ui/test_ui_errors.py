"""Errors never vanish: background failures reach the one place the artist sees them; unexpected errors are
logged (to a rotating file) and shown; the monthly budget asks before a send would pass it."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from kling_desktop.core.request import GenerationRequest
from kling_desktop.ui.workers import report, run_op, set_reporter, spawn

pytestmark = pytest.mark.qt_log_ignore("pipewire")  # QtMultimedia probes for an optional PipeWire backend


@pytest.fixture
def shown():
    messages: list[str] = []
    remove = set_reporter(messages.append)
    yield messages
    remove()


def test_a_failing_coroutine_is_reported_not_dropped(aloop, shown) -> None:
    async def boom() -> None:
        raise RuntimeError("the provider hung up")

    task = spawn(boom(), "Sending the job")
    aloop.run_until_complete(asyncio.wait([task]))
    aloop.run_until_complete(asyncio.sleep(0))
    assert shown == ["Sending the job failed: the provider hung up"]


def test_a_failing_thread_job_is_reported(qtbot, shown) -> None:
    def work() -> None:
        raise OSError("disk full")

    run_op(work, None, "Export")
    qtbot.waitUntil(lambda: shown == ["Export failed: disk full"], timeout=5000)


def test_window_shows_reported_failures_until_dismissed(window, qtbot) -> None:
    report("Moving to the trash failed: permission denied")
    assert window.notices.isVisible()
    assert "permission denied" in window.notices.label.text()
    assert "permission denied" in window.statusBar().currentMessage()
    report("Export failed: disk full")
    assert "1 earlier message" in window.notices.label.text()
    window.notices.dismiss.click()
    assert not window.notices.isVisible()


def test_gallery_export_errors_are_shown(window, qtbot, monkeypatch, tmp_path) -> None:
    gallery = window.gallery

    def broken(ids, folder):
        raise PermissionError(f"{folder} is read-only")

    monkeypatch.setattr(gallery.store, "export", broken)
    monkeypatch.setattr(
        "kling_desktop.ui.gallery_workspace.QFileDialog.getExistingDirectory", lambda *a: str(tmp_path)
    )
    gallery.export_selected()
    qtbot.waitUntil(lambda: "read-only" in window.notices.label.text(), timeout=5000)
    assert window.notices.label.text().startswith("Export failed")


def test_excepthook_logs_and_the_log_rotates(tmp_path, caplog) -> None:
    from kling_desktop.app import LOG_FILES, install_excepthook, log_handler
    from kling_desktop.core.paths import AppPaths

    previous = sys.excepthook
    try:
        install_excepthook(show=False)
        try:
            raise ValueError("a bug")
        except ValueError as error:
            with caplog.at_level(logging.CRITICAL):
                sys.excepthook(type(error), error, error.__traceback__)
        assert any(r.levelno == logging.CRITICAL and r.exc_info for r in caplog.records)
    finally:
        sys.excepthook = previous
    r = tmp_path
    handler = log_handler(AppPaths(r / "c", r / "d", r / "l", r / "k", r / "logs").ensure(), max_bytes=2000)
    log = logging.getLogger("kd-rotation-test")
    log.propagate = False
    log.addHandler(handler)
    try:
        for i in range(100):
            log.error("line %d of a long session", i)
    finally:
        log.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in (r / "logs").iterdir())
    assert files[0] == "kling-desktop.log" and "kling-desktop.log.1" in files
    assert len(files) <= 1 + LOG_FILES
    assert all(p.stat().st_size <= 2100 for p in (r / "logs").iterdir())


def test_budget_asks_before_a_send_would_pass_it(window, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _parent, _title, text: asked.append(text) or QMessageBox.StandardButton.No,
    )
    sent: list[object] = []
    monkeypatch.setattr("kling_desktop.ui.main_window.run_in_thread", lambda *a: sent.append(a))
    window.qsettings.setValue("monthly_budget", 0.10)
    request = GenerationRequest(model="klingai:5@2", prompt="Neon rain", duration=5)
    window.submit(request, "runware")
    assert asked and "$0.10" in asked[0] and sent == []
    assert "budget" in window.statusBar().currentMessage()
    window.submit(request, "local")  # drafts are free: no question
    assert len(asked) == 1 and len(sent) == 1


def test_the_status_bar_shows_what_was_spent_today_and_this_month(window, qtbot, services) -> None:
    from datetime import UTC, datetime, timedelta

    from kling_desktop.jobs.model import Job
    from kling_desktop.jobs.states import JobState

    now = datetime.now(UTC)
    for i, (ago, cost) in enumerate(((timedelta(seconds=1), 0.42), (timedelta(days=40), 3.0))):
        services.journal.add(
            Job(
                id=f"paid{i}",
                task_id=f"t{i}",
                provider="runware",
                model="klingai:5@2",
                request=GenerationRequest(model="klingai:5@2", prompt="x y", duration=5),
                state=JobState.DONE,
                cost=cost,
                created_at=(now - ago).isoformat(),
            )
        )
    window.qsettings.setValue("monthly_budget", 20.0)
    window.load_history()
    qtbot.waitUntil(lambda: window.history.model.rowCount() == 2, timeout=10000)
    assert window.spend.text() == "Spent today $0.42 · this month $0.42 of $20.00"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_thread_work_runs_below_the_window_threads_priority(qtbot) -> None:
    import os
    import threading

    from kling_desktop.core.priority import BACKGROUND_NICE
    from kling_desktop.ui.workers import run_in_thread

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    got: list[object] = []
    run_in_thread(nice, lambda result, error: got.append(error or result))
    qtbot.waitUntil(lambda: bool(got))
    assert got == [min(19, nice() + BACKGROUND_NICE)]
