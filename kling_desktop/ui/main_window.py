"""The main window: the form on the left, the gallery and the jobs on the right. Thin: it wires intents to
services it was given and renders what they report."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kling_desktop import APP_NAME, __version__
from kling_desktop.catalog.spec import ModelSpec
from kling_desktop.core.images import ImageError
from kling_desktop.core.media_check import prepare_request
from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState
from kling_desktop.services import Services
from kling_desktop.ui.form import GenerationForm
from kling_desktop.ui.gallery_workspace import GalleryWorkspace
from kling_desktop.ui.job_bridge import JobBridge
from kling_desktop.ui.jobs_panel import JobsPanel
from kling_desktop.ui.settings_dialog import SettingsDialog
from kling_desktop.ui.workers import run_in_thread

DEFAULT_MODEL = "klingai:kling-video@3-standard"


class MainWindow(QMainWindow):
    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.qsettings = QSettings(str(services.paths.config / "window.ini"), QSettings.Format.IniFormat)
        self.banner = QLabel(self._banner_text(), wordWrap=True, objectName="banner")
        self.banner.setOpenExternalLinks(False)
        self.form = GenerationForm(services.paths.cache, self._provider_reason, self._request_problem)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.addWidget(self.banner)
        ll.addWidget(self.form)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(left)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(560)
        self.form_scroll = scroll
        self.gallery = GalleryWorkspace(
            services.library, services.paths.cache / "thumbs", services.paths.cache / "frames"
        )
        self.jobs = JobsPanel()
        self.tabs = QTabWidget()
        self.workspaces: dict[str, QWidget] = {}
        self.add_workspace("Gallery", self.gallery)
        self.add_workspace("Jobs", self.jobs)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.tabs)
        self.splitter.setSizes([640, 860])
        self.setCentralWidget(self.splitter)
        self.bridge = JobBridge(services.runner, self)
        self.bridge.job_changed.connect(self._job_changed)
        self.form.generate_requested.connect(self.submit)
        self.jobs.cancel_requested.connect(lambda jid: self._spawn(services.runner.cancel(jid)))
        self.jobs.retry_requested.connect(lambda jid: self._spawn(services.runner.retry(jid)))
        self.gallery.remix_requested.connect(
            lambda d: self.form.load_request(GenerationRequest.model_validate(d))
        )
        self.gallery.continue_requested.connect(self.form.set_first_frame)
        self.gallery.animate_requested.connect(self.form.set_first_frame)
        self.gallery.rerender_requested.connect(self.rerender)
        self._menus()
        self.statusBar().showMessage(
            "Ready. Drafts render on this computer; nothing leaves it unless you pick a cloud provider."
        )
        self._tasks: set[asyncio.Future[object]] = set()
        self.form.settings.default_provider = services.settings.default_provider
        self._restore()

    def add_workspace(self, title: str, widget: QWidget) -> None:
        self.workspaces[title] = widget
        self.tabs.addTab(widget, title)

    # ---- services ---------------------------------------------------------------------------------------
    def _provider_reason(self, name: str, spec: ModelSpec) -> str | None:
        try:
            return self.services.providers.unsupported_reason(name, spec)
        except ImportError:
            return "This provider is not available in this build."

    def _request_problem(self, name: str, request: GenerationRequest) -> str | None:
        try:
            return self.services.providers.request_problem(name, request)
        except ImportError:
            return "This provider is not available in this build."

    def _banner_text(self) -> str:
        status = self.services.credentials.status()
        text = (
            "<b>Drafts are free and private.</b> The <i>Draft</i> provider renders an animatic of your request "
            "on this computer (camera moves, your frames, one captioned segment per shot) so you can check "
            "timing and framing. For real Kling output, add a Runware or Kling key in <b>Settings</b>."
        )
        if not status.has_keyring:
            text += f"<br><span style='color:#f5c36d'>{status.sentence}</span>"
        return text

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def submit(self, request: GenerationRequest, provider: str, parent_id: str | None = None) -> None:
        """Normalise the inputs off the GUI thread, then write the job and start it."""
        self.statusBar().showMessage("Preparing the inputs…")
        cache = self.services.paths.cache

        def done(prepared: object, error: Exception | None) -> None:
            if error is not None:
                message = (
                    str(error)
                    if isinstance(error, ImageError)
                    else f"The inputs could not be prepared: {error}"
                )
                self.form.problems.setText(f"• {message}")
                return
            self._spawn(self.services.runner.submit(prepared, provider, parent_id=parent_id))  # type: ignore[arg-type]
            self.tabs.setCurrentWidget(self.jobs)
            self.statusBar().showMessage("Job saved and started.")

        run_in_thread(lambda: prepare_request(request, cache), done, self)

    def rerender(self, clip_id: str) -> None:
        run_in_thread(
            lambda: self.services.library.get(clip_id),
            lambda clip, e: self._rerender(clip) if e is None else None,
            self,
        )

    def _rerender(self, clip: object) -> None:
        clip_id = clip.id  # type: ignore[attr-defined]
        request = GenerationRequest.model_validate(clip.request)  # type: ignore[attr-defined]
        run_in_thread(
            self.services.providers.first_with_keys,
            lambda cloud, e: self._rerender_on(clip_id, request, cloud),
            self,
        )

    def _rerender_on(self, clip_id: str, request: GenerationRequest, cloud: object) -> None:
        if not isinstance(cloud, str):
            QMessageBox.information(
                self,
                "Re-render as master",
                "Add a cloud provider's key in Settings to "
                "re-render this draft in the cloud. Your request is kept in the form.",
            )
            self.form.load_request(request)
            return
        self.submit(request, str(cloud), parent_id=clip_id)

    def _job_changed(self, job: Job, message: str) -> None:
        self.jobs.show_job(job, message)
        if job.state is JobState.DONE:
            self.gallery.add_clip()
            self.statusBar().showMessage(f"Done: {Path(job.files[0]).name if job.files else job.id}")
        elif job.state is JobState.FAILED:
            self.statusBar().showMessage(f"Failed: {job.error}")
            self.tabs.setCurrentWidget(self.jobs)

    # ---- menus, settings, persistence -------------------------------------------------------------------
    def _menus(self) -> None:
        file = self.menuBar().addMenu("&File")
        file.addAction("Import a folder of videos…", self.import_folder)
        file.addAction("Settings…", self.open_settings)
        quit_action = QAction("Quit", self, shortcut="Ctrl+Q")
        quit_action.triggered.connect(self.close)
        file.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(
            "About",
            lambda: QMessageBox.about(
                self,
                APP_NAME,
                f"{APP_NAME} {__version__}\nMake, keep and play short videos with the Kling models.",
            ),
        )

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import videos from")
        if not folder:
            return
        from kling_desktop.library.importer import import_folder

        run_in_thread(
            lambda: import_folder(self.services.library, Path(folder)),
            lambda r, e: (
                self.gallery.refresh(),
                self.statusBar().showMessage(
                    f"Imported {len(r.added)} video(s)" if e is None else f"Import failed: {e}"
                ),
            ),
            self,
        )

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.services.settings, self.services.credentials, self)
        if dialog.exec():
            waiting = dialog.apply()  # what only a restart changes (the library folder)
            self.services.providers.reconfigure()  # new addresses apply to the next request
            self.form.settings.default_provider = self.services.settings.default_provider
            keys = dialog.new_keys()
            settings, path = self.services.settings, self.services.settings_file

            def save() -> list[str]:  # keyring and settings file: off the GUI thread
                notes = dialog.store_keys(keys)
                settings.save(path)
                return notes

            def saved(notes: object, error: Exception | None) -> None:
                self.statusBar().showMessage(
                    " ".join([*notes, *waiting])
                    if isinstance(notes, list) and (notes or waiting)
                    else "Settings saved."
                    if error is None
                    else f"Saving failed: {error}"
                )
                self.banner.setText(self._banner_text())
                if self.form.spec:
                    self.form.set_model(self.form.spec.air_id)

            run_in_thread(save, saved, self)

    def _restore(self) -> None:
        geometry = self.qsettings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 900)
        state = self.qsettings.value("splitter")
        if state is not None:
            self.splitter.restoreState(state)
        last = self.qsettings.value("last_request")
        try:
            request = GenerationRequest.model_validate_json(str(last)) if last else None
        except ValueError:
            request = None
        if request is not None:
            self.form.load_request(request)
        else:
            self.form.set_model(str(self.qsettings.value("last_model", DEFAULT_MODEL)))

    def save_state(self) -> None:
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("splitter", self.splitter.saveState())
        if self.form.spec:
            self.qsettings.setValue("last_model", self.form.spec.air_id)
            self.qsettings.setValue("last_request", self.form.current_request().model_dump_json())
        self.qsettings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        self.gallery.player.stop()
        self.bridge.close()
        super().closeEvent(event)
