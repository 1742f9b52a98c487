"""Words people read: model names for AIR ids, sizes with sense."""

from __future__ import annotations

from kling_desktop.ui.names import model_label, provider_name


def test_model_names_not_ids() -> None:
    assert model_label("klingai:5@2") == "KlingAI 2.1 Pro"
    assert model_label("klingai:no-such@9") == "Other model"
    assert model_label("") == ""
    assert provider_name("") == "Imported"
