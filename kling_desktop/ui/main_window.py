"""The main window: the form on the left, the viewer at the centre (the largest pane), the history of
everything made and the library below it. Thin: it wires intents to the services it was given and renders
what they report; every failure goes to one notice bar the artist sees."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
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
from kling_desktop.core.secrets import KeyStatus
from kling_desktop.jobs.events import JobEvent
from kling_desktop.jobs.lifecycle import retry_plan
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState
from kling_desktop.services import Services
from kling_desktop.ui.form import GenerationForm
from kling_desktop.ui.form_host import FormHost
from kling_desktop.ui.gallery_workspace import GalleryWorkspace
from kling_desktop.ui.history.model import prompt_of
from kling_desktop.ui.history.panel import HistoryPanel
from kling_desktop.ui.job_bridge import JobBridge
from kling_desktop.ui.notices import NoticeBar
from kling_desktop.ui.settings_dialog import SettingsDialog
from kling_desktop.ui.spend_status import SpendStatus
from kling_desktop.ui.theme import CHOICES, apply_theme
from kling_desktop.ui.viewer.viewer import Viewer
from kling_desktop.ui.workers import report, run_in_thread, run_op, set_reporter, spawn

DEFAULT_MODEL = "klingai:kling-video@3-standard"
HISTORY_ROWS = 1000


class MainWindow(QMainWindow):
    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.qsettings = QSettings(str(services.paths.config / "window.ini"), QSettings.Format.IniFormat)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme_choice())
            # "Follow the system": the desktop switching between light and dark switches the window too.
            app.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self.banner = QLabel(self._banner_text(None), wordWrap=True, objectName="banner")
        self.banner.setOpenExternalLinks(False)
        self._refresh_banner()
        self.form = GenerationForm(services.paths.cache, self._provider_reason, self._request_problem)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 4, 4)
        ll.addWidget(self.banner)
        ll.addWidget(self.form)
        scroll = FormHost(left)
        scroll.setMinimumWidth(scroll.minimumSizeHint().width())
        self.form_scroll = scroll
        form_pane = QWidget()  # the form scrolls; Generate stays in view under it, whatever the height
        fp = QVBoxLayout(form_pane)
        fp.setContentsMargins(0, 0, 0, 4)
        fp.setSpacing(4)
        fp.addWidget(scroll, 1)
        fp.addWidget(self.form.generate_button)
        self.viewer = Viewer(services.paths.cache / "frames")
        self.gallery = GalleryWorkspace(
            services.library,
            services.paths.cache / "thumbs",
            services.paths.cache / "frames",
            viewer=self.viewer,
        )
        self.history = HistoryPanel(services.paths.cache / "thumbs")
        self.jobs = self.history  # the jobs are the history's rows
        self.tabs = QTabWidget()
        self.workspaces: dict[str, QWidget] = {}
        self.add_workspace("History", self.history)
        self.add_workspace("Library", self.gallery)
        self.notices = NoticeBar()
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(2)
        self.centre = QSplitter(Qt.Orientation.Vertical)
        self.centre.addWidget(self.viewer)
        self.centre.addWidget(self.tabs)
        self.centre.setStretchFactor(0, 3)
        self.centre.setStretchFactor(1, 2)
        self.centre.setChildrenCollapsible(False)
        self.tabs.setMinimumHeight(180)
        self.viewer.setMinimumHeight(200)
        cl.addWidget(self.notices)
        cl.addWidget(self.centre, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(form_pane)
        self.splitter.addWidget(centre)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.spend = SpendStatus(self.qsettings, lambda: self.history.model.jobs)
        self.statusBar().addPermanentWidget(self.spend)
        self._unreport = set_reporter(self.show_problem)
        self.bridge = JobBridge(services.runner, self)
        # Jobs that end together (a batch finishing) refresh the gallery and the spend once, not once each.
        self._ended = QTimer(self, singleShot=True, interval=250)
        self._ended.timeout.connect(self._jobs_ended)
        self.bridge.jobs_changed.connect(self._jobs_changed)
        self.form.generate_requested.connect(self.submit)
        self.history.cancel_requested.connect(self.abandon)
        self.history.retry_requested.connect(self.retry)
        self.history.job_selected.connect(self._job_selected)
        self.gallery.remix_requested.connect(
            lambda d: self.form.load_request(GenerationRequest.model_validate(d))
        )
        self.gallery.continue_requested.connect(self.form.set_first_frame)
        self.gallery.animate_requested.connect(self.form.set_first_frame)
        self.gallery.rerender_requested.connect(self.rerender)
        self.viewer.frame_to_form.connect(self.frame_to_form)
        self.viewer.error_shown.connect(lambda m: self.statusBar().showMessage(m))
        self._menus()
        self.statusBar().showMessage(
            "Ready. Drafts render on this computer; nothing leaves it unless you pick a cloud provider."
        )
        self.form.settings.default_provider = services.settings.default_provider
        self._restore()
        self.load_history()

    def add_workspace(self, title: str, widget: QWidget) -> None:
        self.workspaces[title] = widget
        self.tabs.addTab(widget, title)

    # ---- failures: one place ------------------------------------------------------------------------------
    def show_problem(self, message: str) -> None:
        self.notices.show_message(message)
        self.statusBar().showMessage(message)

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

    def _refresh_banner(self) -> None:
        """Whether keys can be kept is the keyring's answer, asked on a worker thread (its backends may take
        a while to load or to answer over D-Bus)."""
        run_op(
            self.services.credentials.status,
            lambda status: self.banner.setText(self._banner_text(status)),
            "Asking the system keyring",
            self,
        )

    @staticmethod
    def _banner_text(status: KeyStatus | None) -> str:
        text = (
            "<b>Drafts are free and private:</b> the <i>Draft</i> provider renders an animatic on this computer "
            "to check timing and framing. For real Kling output, add a Runware or Kling key in <b>Settings</b>."
        )
        if status is not None and not status.has_keyring:
            text += f"<br><small>{status.sentence}</small>"
        return text

    def _spawn(self, coro: object, what: str = "The job") -> None:
        spawn(coro, what)  # type: ignore[arg-type]

    # ---- history ----------------------------------------------------------------------------------------
    def load_history(self) -> None:
        """Every job in the journal, off the GUI thread: the history is the same after a restart."""
        journal = self.services.journal
        run_op(lambda: journal.recent(HISTORY_ROWS), self._history_loaded, "Reading the job history", self)

    def _history_loaded(self, jobs: object) -> None:
        self.history.set_jobs(list(jobs))  # type: ignore[call-overload]
        self.spend.refresh()

    def _jobs_changed(self, events: list[JobEvent]) -> None:
        """A delivery from the bridge: every job's newest state, shown in one update of the history."""
        self.history.show_jobs([e.job for e in events])
        ended = [e.job for e in events if e.job.state in (JobState.DONE, JobState.FAILED)]
        if not ended:
            return
        self._ended.start()  # the gallery and spend refresh once for the lot
        failed = [j for j in ended if j.state is JobState.FAILED]
        if failed:
            self.tabs.setCurrentWidget(self.history)
        last = ended[-1]  # one status line per delivery, about the newest news (not 200 in a row)
        more = f" (and {len(ended) - 1} more)" if len(ended) > 1 else ""
        if last.state is JobState.FAILED:
            self.statusBar().showMessage(f"Failed: {last.error}{more}")
        else:
            self.statusBar().showMessage(f"Done: “{prompt_of(last)[:80]}”{more}")

    def _jobs_ended(self) -> None:
        self.gallery.add_clip()
        self.spend.refresh()

    def _job_selected(self, job: Job | None) -> None:
        if job is None:
            return
        if job.state is JobState.DONE and job.files:
            self.viewer.open(job.files[0], None, autoplay=False)
        elif job.state is not JobState.DONE:
            self.viewer.show_message(self.history.message.text())

    def retry(self, job_id: str) -> None:
        job = next((j for j in self.history.model.jobs if j.id == job_id), None)
        if job is None:
            return
        plan = retry_plan(job)
        if (
            plan.bills_again
            and QMessageBox.question(self, "Retry", f"{plan.message}\n\nSend it again?")
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.statusBar().showMessage(plan.message)
        spawn(
            self.services.runner.retry(job_id),
            "Retry",
            on_success=lambda new: self.history.select_job(new.id) if isinstance(new, Job) else None,
        )

    def abandon(self, job_id: str) -> None:
        spawn(self.services.runner.cancel(job_id), "Abandoning the job")

    # ---- sending ------------------------------------------------------------------------------------------
    def submit(self, request: GenerationRequest, provider: str, parent_id: str | None = None) -> None:
        """Ask first if the monthly budget would be passed; normalise the inputs off the GUI thread, then write
        the job and start it."""
        if not self.spend.may_send(self, request, provider):
            self.statusBar().showMessage("Not sent: the monthly budget would be passed.")
            return
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
                report(message)
                return
            spawn(
                self.services.runner.submit(prepared, provider, parent_id=parent_id),  # type: ignore[arg-type]
                "Sending the job",
            )
            self.tabs.setCurrentWidget(self.history)
            self.statusBar().showMessage("Job saved and started.")

        run_in_thread(lambda: prepare_request(request, cache), done, self)

    def frame_to_form(self, which: str, path: str) -> None:
        """The exact frame shown in the viewer becomes the form's first or last frame."""
        receive = getattr(self.form, "use_frame", None)  # the form's undo-able way, when it has one
        if callable(receive):
            receive(which, path)
        elif which == "first":
            self.form.set_first_frame(path)
        else:
            self.form.last.set_path(path)
        self.statusBar().showMessage(f"Frame {self.viewer.frame + 1} is now the {which} frame in the form.")

    def rerender(self, clip_id: str) -> None:
        run_op(lambda: self.services.library.get(clip_id), self._rerender, "Re-render", self)

    def _rerender(self, clip: object) -> None:
        clip_id = clip.id  # type: ignore[attr-defined]
        request = GenerationRequest.model_validate(clip.request)  # type: ignore[attr-defined]
        run_op(
            self.services.providers.first_with_keys,
            lambda cloud: self._rerender_on(clip_id, request, cloud),
            "Re-render",
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

    # ---- menus, settings, persistence -------------------------------------------------------------------
    def _menus(self) -> None:
        file = self.menuBar().addMenu("&File")
        file.addAction("Import a folder of videos…", self.import_folder)
        file.addAction("Settings…", self.open_settings)
        file.addAction("Monthly budget…", lambda: self.spend.ask_budget(self))
        quit_action = QAction("Quit", self, shortcut="Ctrl+Q")
        quit_action.triggered.connect(self.close)
        file.addAction(quit_action)
        view = self.menuBar().addMenu("&View")
        theme = view.addMenu("Theme")
        group = QActionGroup(self)
        current = self.theme_choice()
        for label, value in CHOICES:
            action = QAction(label, self, checkable=True)
            action.setChecked(value == current)
            action.triggered.connect(lambda _=False, v=value: self.set_theme(v))
            group.addAction(action)
            theme.addAction(action)
        view.addAction("Full-screen viewer", self.viewer.toggle_full_screen)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(
            "About",
            lambda: QMessageBox.about(
                self,
                APP_NAME,
                f"{APP_NAME} {__version__}\nMake, keep and play short videos with the Kling models.\n\n"
                f"Log files: {self.services.paths.logs}",
            ),
        )

    def theme_choice(self) -> str:
        return str(self.qsettings.value("theme", "system"))

    def _system_scheme_changed(self, *_: object) -> None:
        app = QApplication.instance()
        if self.theme_choice() == "system" and isinstance(app, QApplication):
            apply_theme(app, "system")

    def set_theme(self, choice: str) -> None:
        self.qsettings.setValue("theme", choice)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, choice)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import videos from")
        if not folder:
            return
        from kling_desktop.library.importer import import_folder

        def imported(result: object) -> None:
            self.gallery.refresh()
            self.statusBar().showMessage(f"Imported {len(result.added)} video(s)")  # type: ignore[attr-defined]

        run_op(lambda: import_folder(self.services.library, Path(folder)), imported, "Import", self)

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
                if error is not None:
                    report(f"Saving the settings failed: {error}", error)
                else:
                    self.statusBar().showMessage(
                        " ".join([*notes, *waiting])  # type: ignore[list-item]
                        if isinstance(notes, list) and (notes or waiting)
                        else "Settings saved."
                    )
                self._refresh_banner()
                if self.form.spec:
                    self.form.set_model(self.form.spec.air_id)

            run_in_thread(save, saved, self)

    def _restore(self) -> None:
        geometry = self.qsettings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self._fit_screen()
        for splitter, key in ((self.splitter, "splitter2"), (self.centre, "centre")):
            state = self.qsettings.value(key)
            if state is not None:
                splitter.restoreState(state)
        last = self.qsettings.value("last_request")
        try:
            request = GenerationRequest.model_validate_json(str(last)) if last else None
        except ValueError:
            request = None
        if request is not None:
            self.form.load_request(request)
        else:
            self.form.set_model(str(self.qsettings.value("last_model", DEFAULT_MODEL)))
        QTimer.singleShot(0, self.spend.refresh)

    def _fit_screen(self) -> None:
        """First start: most of the screen, the form a third of the width, the viewer the rest."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = (screen.width(), screen.height()) if screen else (1440, 900)
        w, h = max(800, int(width * 0.9)), max(560, int(height * 0.9))
        self.resize(min(w, width), min(h, height))
        QTimer.singleShot(0, lambda: self.fit_panes(self.width(), self.height()))  # once laid out

    def fit_panes(self, width: int, height: int) -> None:
        """The form as narrow as it reads well, the viewer the rest; the viewer over the history."""
        form_w = max(self.form_scroll.minimumWidth(), min(560, int(width * 0.32)))
        self.splitter.setSizes([form_w, width - form_w])
        self.centre.setSizes([int(height * 0.58), int(height * 0.42)])

    def save_state(self) -> None:
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("splitter2", self.splitter.saveState())
        self.qsettings.setValue("centre", self.centre.saveState())
        if self.form.spec:
            self.qsettings.setValue("last_model", self.form.spec.air_id)
            self.qsettings.setValue("last_request", self.form.current_request().model_dump_json())
        self.qsettings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        self.viewer.leave_full_screen()
        self.viewer.release_media()
        self.bridge.close()
        self._unreport()
        super().closeEvent(event)
