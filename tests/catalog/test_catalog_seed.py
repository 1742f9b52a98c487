"""The catalog against the seed specification: counts, ids, and every documented example request."""

from __future__ import annotations

import re

import pytest
from seed_examples import SEED, request_from_task, seed_tasks

from kling_desktop.catalog.models import all_models, get_model
from kling_desktop.catalog.spec import Kind
from kling_desktop.core.validation import choose_workflow, problems_for

TASKS = seed_tasks()

# Examples in the seed that break its own bullet lists. The bullets win; each is recorded in the model's notes.
CONTRADICTIONS = {
    ("klingai:kling-video@3-standard", 1920, 1080): "listed sizes",
    ("klingai:kling-video@3-standard", 1080, 1920): "listed sizes",
    ("klingai:kling@o1-standard", 960, 960): "not settable",
    ("klingai:kling@o1", 1440, 1440): "not settable",
}


def test_catalog_has_every_model_of_the_seed() -> None:
    text = SEED.read_text(encoding="utf-8")
    seed_ids = re.findall(r"Model AIR ID: (\S+)\.\n", text)
    assert len(seed_ids) == 25
    assert [m.air_id for m in all_models()] == seed_ids
    assert sum(m.kind is Kind.IMAGE for m in all_models()) == 3
    assert sum(m.kind is Kind.VIDEO for m in all_models()) == 22


def test_seed_examples_cover_every_model() -> None:
    assert len(TASKS) > 60
    assert {t["model"] for t in TASKS} == {m.air_id for m in all_models()}


@pytest.mark.parametrize("task", TASKS, ids=[f"{t['model']}#{t['taskUUID'][:8]}" for t in TASKS])
def test_seed_example_is_accepted(task: dict) -> None:
    req = request_from_task(task)
    problems = problems_for(req)
    key = (task["model"], task.get("width"), task.get("height"))
    if key in CONTRADICTIONS:
        assert [p.rule for p in problems] == [CONTRADICTIONS[key]]
        assert get_model(task["model"]).notes, "a contradiction must be recorded in the model's notes"
    else:
        assert problems == []
    spec = get_model(task["model"])
    assert choose_workflow(req, spec) in spec.workflows


MOTION_PROMPT_MODELS = {"klingai:2@1", "klingai:2@2", "klingai:5@1", "klingai:5@2"}


def _section(air_id: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    start = text.index(f"Model AIR ID: {air_id}.")
    nxt = text.find("Model AIR ID:", start + 10)
    return text[start : nxt if nxt > 0 else len(text)]


@pytest.mark.parametrize("spec", all_models(), ids=lambda m: m.air_id)
def test_limits_match_the_seed_text(spec) -> None:
    """Cross-check the figures in each model's section of the seed with the catalog."""
    section = _section(spec.air_id).split("{")[0]
    m = re.search(r"Positive prompt: (\d+)-(\d+) characters", section)
    if m is None and spec.air_id in MOTION_PROMPT_MODELS:
        # A recorded departure from the seed: an optional motion prompt (see the model's notes).
        assert spec.prompt is not None and not spec.prompt_required
        assert any("motion prompt" in n for n in spec.notes)
    else:
        assert (m is None) == (spec.prompt is None)
    if m:
        assert (spec.prompt.min_chars, spec.prompt.max_chars) == (int(m[1]), int(m[2]))
    assert ("Negative prompt: 2-2500" in section) == (spec.negative_prompt is not None)
    assert ("CFG Scale: 0-1 (default: 0.5)" in section) == (spec.cfg is not None)
    dims = {(int(w), int(h)) for w, h in re.findall(r"(\d{3,4})×(\d{3,4})", section)} - {(300, 300)}
    assert dims == {(d.width, d.height) for d in spec.dimensions}
    if "Duration: 5 or 10 seconds." in section:
        assert all(d.values == (5, 10) for d in spec.durations.values())
    if "Duration: 3-15 seconds (default: 5)" in section:
        assert all((d.min, d.max, d.default) == (3, 15, 5) for d in spec.durations.values())
    if "first and last frame" in section.lower() or "first and last frames" in section.lower():
        assert spec.allows_frame("last")
    elif "Supports first frame" in section:
        assert not spec.allows_frame("last") and spec.allows_frame("first")
    m = re.search(r"up to (\d+) sequential prompt segments", section)
    assert spec.multi_prompt_max == (int(m[1]) if m else None)
    m = re.search(r"Parameters supported: ([^.]+)\.", section)
    names = [s.name for s in spec.provider_settings]
    if m:
        assert names == [n.split(" (")[0].strip() for n in m[1].split(", ")]
    else:
        assert names == []
    fps = set(map(int, re.findall(r"(\d+) FPS", section)))
    assert fps == set(spec.fps.values())
    if "20MB file size limit" in section and spec.image_requirement:
        assert spec.image_requirement.max_mb == 20 and spec.image_requirement.max_side == 2048
    if "10MB file size limit, aspect ratio 1:2.5 to 2.5:1" in section:
        assert spec.image_requirement.max_mb == 10 and spec.image_requirement.max_aspect == 2.5
