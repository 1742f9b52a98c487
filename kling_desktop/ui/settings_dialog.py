"""Settings: provider keys (keyring, or the stated fallback), base URLs, library folder."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kling_desktop.core.secrets import Credentials
from kling_desktop.core.settings import Settings
from kling_desktop.ui.workers import run_in_thread

KEYS = (
    ("runware", "Runware API key"),
    ("kling_access", "Kling access key"),
    ("kling_secret", "Kling secret key"),
)


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, credentials: Credentials, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings, self.credentials = settings, credentials
        status = credentials.status()
        self.key_status = QLabel(
            status.sentence, wordWrap=True, objectName="hint" if status.has_keyring else "banner"
        )
        keys = QGroupBox("Providers")
        kf = QFormLayout(keys)
        kf.addRow(self.key_status)
        self.key_edits: dict[str, QLineEdit] = {}
        for name, label in KEYS:
            edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
            edit.setPlaceholderText("checking where this key is stored…")
            self.key_edits[name] = edit
            kf.addRow(label, edit)
        urls = QGroupBox("Addresses (advanced)")
        uf = QFormLayout(urls)
        self.runware_url = QLineEdit(settings.runware_url)
        self.kling_url = QLineEdit(settings.kling_url)
        uf.addRow("Runware base URL", self.runware_url)
        uf.addRow("Kling base URL", self.kling_url)
        uf.addRow(
            QLabel("KLING_DESKTOP_RUNWARE_URL / KLING_DESKTOP_KLING_URL override these.", objectName="hint")
        )
        lib = QGroupBox("Library")
        lf = QHBoxLayout(lib)
        self.library = QLineEdit(settings.library_folder, placeholderText="default: the app's data folder")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        lf.addWidget(self.library)
        lf.addWidget(browse)
        # The keyring may answer over D-Bus: ask on a worker thread, fill the placeholders when it answers.
        run_in_thread(lambda: {n: credentials.source(n) for n, _ in KEYS}, self._sources, self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (keys, urls, lib, buttons):
            layout.addWidget(w)

    def _sources(self, sources: object, error: Exception | None) -> None:
        for name, edit in self.key_edits.items():
            where = sources.get(name, "not set") if isinstance(sources, dict) else "unknown"
            edit.setPlaceholderText(f"stored: {where} — type to replace")

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Library folder")
        if folder:
            self.library.setText(folder)

    def new_keys(self) -> dict[str, str]:
        """The keys typed in this dialog (cleared from the fields once read)."""
        keys = {}
        for name, _label in KEYS:
            value = self.key_edits[name].text().strip()
            if value:
                keys[name] = value
                self.key_edits[name].clear()
        return keys

    def store_keys(self, keys: dict[str, str]) -> list[str]:
        """Runs on a worker thread (the keyring may block); sentences say where each key went, never the key."""
        labels = dict(KEYS)
        return [
            f"{labels[name]} saved in {self.credentials.set(name, value)}." for name, value in keys.items()
        ]

    def apply(self) -> list[str]:
        """The addresses and folder (keys go through new_keys/store_keys)."""
        notes: list[str] = []
        self.settings.runware_url = self.runware_url.text().strip() or self.settings.runware_url
        self.settings.kling_url = self.kling_url.text().strip() or self.settings.kling_url
        self.settings.library_folder = self.library.text().strip()
        return notes
