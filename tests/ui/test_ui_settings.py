"""The settings dialog stores keys where it says (never in files) and explains a missing keyring."""

from __future__ import annotations

from kling_desktop.ui.settings_dialog import SettingsDialog

CANARY = "canary-dialog-key-5d2e8f1a9b3c7d6e"


def _files_containing(root, needle: bytes):
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_dialog_without_keyring_says_so_and_keeps_the_key_for_the_session(
    window, qtbot, services, kd_home
) -> None:
    dialog = SettingsDialog(services.settings, services.credentials, window)
    qtbot.addWidget(dialog)
    assert "No system keyring" in dialog.key_status.text()
    qtbot.waitUntil(lambda: "stored: not set" in dialog.key_edits["runware"].placeholderText(), timeout=5000)
    dialog.key_edits["runware"].setText(CANARY)
    dialog.runware_url.setText("http://127.0.0.1:9/")
    dialog.apply()
    keys = dialog.new_keys()
    assert keys == {"runware": CANARY} and dialog.key_edits["runware"].text() == ""
    notes = dialog.store_keys(keys)
    assert notes == ["Runware API key saved in this session."] and CANARY not in " ".join(notes)
    services.settings.save(services.settings_file)
    assert services.credentials.get("runware").reveal() == CANARY
    assert services.settings.runware_url == "http://127.0.0.1:9/"
    assert _files_containing(kd_home, CANARY.encode()) == []
