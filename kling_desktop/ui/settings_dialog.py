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

KEYS = (("runware", "Runware API key"), ("kling_access", "Kling access key"), ("kling_secret", "Kling secret key"))


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, credentials: Credentials, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings, self.credentials = settings, credentials
        status = credentials.status()
        self.key_status = QLabel(status.sentence, wordWrap=True, objectName="hint" if status.has_keyring else "banner")
        keys = QGroupBox("Providers")
        kf = QFormLayout(keys)
        kf.addRow(self.key_status)
        self.key_edits: dict[str, QLineEdit] = {}
        for name, label in KEYS:
            edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(f"stored: {credentials.source(name)} — type to replace")
            self.key_edits[name] = edit
            kf.addRow(label, edit)
        urls = QGroupBox("Addresses (advanced)")
        uf = QFormLayout(urls)
        self.runware_url = QLineEdit(settings.runware_url)
        self.kling_url = QLineEdit(settings.kling_url)
        uf.addRow("Runware base URL", self.runware_url)
        uf.addRow("Kling base URL", self.kling_url)
        uf.addRow(QLabel("KLING_DESKTOP_RUNWARE_URL / KLING_DESKTOP_KLING_URL override these.", objectName="hint"))
        lib = QGroupBox("Library")
        lf = QHBoxLayout(lib)
        self.library = QLineEdit(settings.library_folder, placeholderText="default: the app's data folder")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        lf.addWidget(self.library)
        lf.addWidget(browse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (keys, urls, lib, buttons):
            layout.addWidget(w)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Library folder")
        if folder:
            self.library.setText(folder)

    def apply(self) -> list[str]:
        """Store what changed; returns sentences saying where each key went (never the key itself)."""
        notes = []
        for name, label in KEYS:
            value = self.key_edits[name].text().strip()
            if value:
                notes.append(f"{label} saved in {self.credentials.set(name, value)}.")
                self.key_edits[name].clear()
        self.settings.runware_url = self.runware_url.text().strip() or self.settings.runware_url
        self.settings.kling_url = self.kling_url.text().strip() or self.settings.kling_url
        self.settings.library_folder = self.library.text().strip()
        return notes
