"""Words people read: model names for AIR ids, sizes with sense."""

from __future__ import annotations

from kling_desktop.ui.names import human_size, model_label, provider_name


def test_model_names_not_ids() -> None:
    assert model_label("klingai:5@2") == "KlingAI 2.1 Pro"
    assert model_label("klingai:no-such@9") == "Other model"
    assert model_label("") == ""
    assert provider_name("") == "Imported"


def test_sizes_with_sense() -> None:
    assert human_size(12 * 1024) == "12 KB"
    assert human_size(300) == "300 bytes"
    assert human_size(3_500_000) == "3.3 MB"
    assert human_size(25 * 1024 * 1024) == "25 MB"
    assert human_size(1_300_000_000) == "1.2 GB"
    assert human_size(0) == ""
