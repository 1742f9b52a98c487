"""Settings: provider keys (keyring, or the stated fallback), base URLs, default provider, library folder.

Every row comes from the providers' descriptors (``providers/registry.py``): a new provider's keys and address
appear here without editing this file.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QComboBox,
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
from kling_desktop.providers.descriptors import BaseUrlInvalid, check_base_url
from kling_desktop.providers.registry import credential_fields, descriptors
from kling_desktop.ui.workers import run_in_thread

RESTART_NOTE = "The library folder changes when the app next starts."


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, credentials: Credentials, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings, self.credentials = settings, credentials
        status = credentials.status()
        self.key_status = QLabel(status.sentence, objectName="hint" if status.has_keyring else "banner")
        self.key_status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._keys_group())
        layout.addWidget(self._addresses_group())
        layout.addWidget(self._general_group())
        self.problems = QLabel(objectName="banner")
        self.problems.setWordWrap(True)
        self.problems.hide()
        layout.addWidget(self.problems)
        # The keyring may answer over D-Bus: ask on a worker thread, fill the placeholders when it answers.
        names = [c.name for c in credential_fields()]
        run_in_thread(lambda: {n: credentials.source(n) for n in names}, self._sources, self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    # ---- building ---------------------------------------------------------------------------------------
    def _keys_group(self) -> QGroupBox:
        keys = QGroupBox("Providers")
        form = QFormLayout(keys)
        form.addRow(self.key_status)
        self.key_edits: dict[str, QLineEdit] = {}
        for field in credential_fields():
            edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
            edit.setPlaceholderText("checking where this key is stored…")
            edit.setToolTip(f"Without a keyring, {field.env} in the environment is used.")
            self.key_edits[field.name] = edit
            form.addRow(field.label, edit)
        return keys

    def _addresses_group(self) -> QGroupBox:
        urls = QGroupBox("Addresses (advanced)")
        form = QFormLayout(urls)
        self.url_edits: dict[str, QLineEdit] = {}
        self._url_labels: dict[str, str] = {}
        for d in descriptors():
            if d.base_url is None:
                continue
            s = d.base_url
            edit = QLineEdit(self.settings.base_urls.get(s.setting, ""))
            edit.setPlaceholderText(s.default)
            self.url_edits[s.setting] = edit
            self._url_labels[s.setting] = s.label
            form.addRow(s.label, edit)
            if os.environ.get(s.env):
                form.addRow(QLabel(f"{s.env} is set and overrides this address.", objectName="hint"))
        form.addRow(QLabel("Leave an address empty to use the provider's own.", objectName="hint"))
        return urls

    def _general_group(self) -> QGroupBox:
        general = QGroupBox("General")
        form = QFormLayout(general)
        self.default_provider = QComboBox()
        for d in descriptors():
            self.default_provider.addItem(d.label, d.name)
        index = self.default_provider.findData(self.settings.default_provider)
        self.default_provider.setCurrentIndex(max(0, index))
        form.addRow("Default provider", self.default_provider)
        row = QHBoxLayout()
        self.library = QLineEdit(
            self.settings.library_folder, placeholderText="default: the app's data folder"
        )
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        row.addWidget(self.library)
        row.addWidget(browse)
        form.addRow("Library folder", row)
        return general

    def _sources(self, sources: object, error: Exception | None) -> None:
        for name, edit in self.key_edits.items():
            where = sources.get(name, "not set") if isinstance(sources, dict) else "unknown"
            edit.setPlaceholderText(f"stored: {where} — type to replace")

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Library folder")
        if folder:
            self.library.setText(folder)

    # ---- reading ----------------------------------------------------------------------------------------
    def address_problems(self) -> list[str]:
        """A sentence per address that cannot be used, naming its setting."""
        problems = []
        for setting, edit in self.url_edits.items():
            if text := edit.text().strip():
                try:
                    check_base_url(text, f"setting '{self._url_labels[setting]}'")
                except BaseUrlInvalid as exc:
                    problems.append(str(exc))
        return problems

    def accept(self) -> None:
        """Save only what can be used: a bad address keeps the dialog open and says why."""
        problems = self.address_problems()
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if not problems:
            super().accept()

    def new_keys(self) -> dict[str, str]:
        """The keys typed in this dialog (cleared from the fields once read)."""
        keys = {}
        for name, edit in self.key_edits.items():
            value = edit.text().strip()
            if value:
                keys[name] = value
                edit.clear()
        return keys

    def store_keys(self, keys: dict[str, str]) -> list[str]:
        """Runs on a worker thread (the keyring may block); sentences say where each key went, never the key."""
        labels = {c.name: c.label for c in credential_fields()}
        return [
            f"{labels[name]} saved in {self.credentials.set(name, value)}." for name, value in keys.items()
        ]

    def apply(self) -> list[str]:
        """Copy the addresses, default provider and folder into the settings (keys go through
        new_keys/store_keys). Returns sentences about what waits for a restart."""
        notes: list[str] = []
        for setting, edit in self.url_edits.items():
            if text := edit.text().strip():
                self.settings.base_urls[setting] = text
            else:
                self.settings.base_urls.pop(setting, None)
        self.settings.default_provider = str(self.default_provider.currentData())
        folder = self.library.text().strip()
        if folder != self.settings.library_folder:
            notes.append(RESTART_NOTE)
        self.settings.library_folder = folder
        return notes
