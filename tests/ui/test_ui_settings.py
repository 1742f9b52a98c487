"""The settings dialog: keys go where it says (never in files), addresses are checked before they are saved
and apply to the next request, the default provider is the form's, and a provider registered with one line
appears in the dialog and in the form's picker."""

from __future__ import annotations

import fake_provider
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from kling_desktop.providers import registry
from kling_desktop.ui.settings_dialog import RESTART_NOTE, SettingsDialog

CANARY = "canary-dialog-key-5d2e8f1a9b3c7d6e"


def _files_containing(root, needle: bytes):
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def _settings_action(window):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    return next(a for a in file_menu.actions() if a.text() == "Settings…")


def _through_the_menu(window, qtbot, fill) -> list[str]:
    """Open Settings from the File menu, let ``fill`` edit the dialog, press Save; returns what was shown
    when Save was first pressed (problems, if the dialog refused)."""
    seen: list[str] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SettingsDialog):
            QTimer.singleShot(20, drive)
            return
        fill(dialog)
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        save.click()
        if dialog.isVisible():  # refused: record why, then give up
            seen.append(dialog.problems.text())
            dialog.reject()

    QTimer.singleShot(0, drive)
    _settings_action(window).trigger()
    return seen


def test_dialog_without_keyring_says_so_and_keeps_the_key_for_the_session(
    window, qtbot, services, kd_home
) -> None:
    dialog = SettingsDialog(services.settings, services.credentials, window)
    qtbot.addWidget(dialog)
    assert "No system keyring" in dialog.key_status.text()
    qtbot.waitUntil(lambda: "stored: not set" in dialog.key_edits["runware"].placeholderText(), timeout=5000)
    dialog.key_edits["runware"].setText(CANARY)
    dialog.url_edits["runware"].setText("http://127.0.0.1:9/")
    dialog.apply()
    keys = dialog.new_keys()
    assert keys == {"runware": CANARY} and dialog.key_edits["runware"].text() == ""
    notes = dialog.store_keys(keys)
    assert notes == ["Runware API key saved in this session."] and CANARY not in " ".join(notes)
    services.settings.save(services.settings_file)
    assert services.credentials.get("runware").reveal() == CANARY
    assert services.settings.base_urls["runware"] == "http://127.0.0.1:9/"
    assert _files_containing(kd_home, CANARY.encode()) == []


def test_a_new_address_applies_to_the_next_request_without_a_restart(window, qtbot, services) -> None:
    before = services.providers.get("runware")
    assert before.endpoint == "https://api.runware.ai/v1"
    _through_the_menu(window, qtbot, lambda d: d.url_edits["runware"].setText("http://127.0.0.1:8787/"))
    qtbot.waitUntil(lambda: services.settings_file.exists(), timeout=5000)
    after = services.providers.get("runware")
    assert after is not before and after.endpoint == "http://127.0.0.1:8787/v1"
    assert services.providers.get("local") is services.providers.get("local")  # untouched: not rebuilt


@pytest.mark.parametrize(
    "bad", ["http://127.0.0.1:99999", "http://[::1", "ftp://example.com", "http://host:"]
)
def test_a_bad_address_is_refused_with_a_sentence_naming_the_setting(window, qtbot, services, bad) -> None:
    seen = _through_the_menu(window, qtbot, lambda d: d.url_edits["kling"].setText(bad))
    assert len(seen) == 1 and seen[0].startswith("setting 'Kling base URL':")
    assert "kling" not in services.settings.base_urls and not services.settings_file.exists()


def test_a_new_library_folder_says_it_waits_for_a_restart(window, qtbot, services, tmp_path) -> None:
    _through_the_menu(window, qtbot, lambda d: d.library.setText(str(tmp_path / "elsewhere")))
    qtbot.waitUntil(lambda: RESTART_NOTE in window.statusBar().currentMessage(), timeout=5000)
    assert services.settings.library_folder == str(tmp_path / "elsewhere")


def test_the_default_provider_is_the_forms_choice(window, qtbot, services) -> None:
    assert window.form.settings.provider_name() == "local"

    def pick(d: SettingsDialog) -> None:
        d.default_provider.setCurrentIndex(d.default_provider.findData("runware"))

    _through_the_menu(window, qtbot, pick)
    assert services.settings.default_provider == "runware"
    window.form.settings.provider.setCurrentIndex(-1)  # as on a fresh start: nothing chosen yet
    window.form.set_model("klingai:5@2")
    assert window.form.settings.provider_name() == "runware"


def test_a_provider_registered_with_one_line_appears_in_the_dialog_and_the_picker(
    window, qtbot, services, monkeypatch
) -> None:
    monkeypatch.setattr(registry, "REGISTERED", (*registry.REGISTERED, fake_provider.DESCRIPTOR))
    dialog = SettingsDialog(services.settings, services.credentials, window)
    qtbot.addWidget(dialog)
    assert "fakeai" in dialog.key_edits and "fakeai" in dialog.url_edits
    assert dialog.default_provider.findData("fakeai") >= 0
    qtbot.waitUntil(lambda: "stored:" in dialog.key_edits["fakeai"].placeholderText(), timeout=5000)
    window.form.set_model("klingai:5@2")
    picker = window.form.settings.provider
    index = picker.findData("fakeai")
    assert index >= 0 and picker.itemText(index) == "Fake AI"
    window.form.set_model("klingai:kling-image@3")  # the fake makes videos only: offered, but disabled
    index = picker.findData("fakeai")
    assert picker.itemText(index) == "Fake AI — unavailable"
    assert not picker.model().item(index).isEnabled()


def test_the_keyring_is_asked_on_a_worker_thread_and_its_answer_shown(qtbot, services, monkeypatch) -> None:
    """Loading keyring's backends may take a while (D-Bus): the window opens without waiting for them and
    says where keys are kept once the keyring has answered (the tests' keyring is none at all)."""
    import threading

    from kling_desktop.ui.main_window import MainWindow

    asked_on: list[str] = []
    real_status = services.credentials.status

    def status():
        asked_on.append(threading.current_thread().name)
        return real_status()

    monkeypatch.setattr(services.credentials, "status", status)
    window = MainWindow(services)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "No system keyring is available" in window.banner.text())
    assert asked_on and threading.main_thread().name not in asked_on
    window.gallery.player.stop()
    window.bridge.close()
