"""The emulator checks requests with its own reading of the specification, not with the app's validator:
a bug in either one shows up as a disagreement instead of being mirrored by the stand-in service."""

from __future__ import annotations

import uuid

import httpx
import pytest
from catalog.seed_examples import request_from_task, seed_tasks

from kling_desktop.catalog.models import all_models
from kling_desktop.core import validation
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.providers.kling_auth import make_token
from kling_emulator import spec_check
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, RUNWARE_TEST_KEY, EmulatorServer

T2V = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)


def _seed_requests() -> list[GenerationRequest]:
    return [request_from_task(t) for t in seed_tasks() if "model" in t]


def test_both_readings_agree_on_every_example_of_the_specification() -> None:
    requests = _seed_requests()
    assert len(requests) >= len(all_models())
    for req in requests:
        client, emulator = validation.problems_for(req), spec_check.refusals(req)
        assert bool(client) == bool(emulator), (req.model, client, emulator)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"duration": 7}, "duration"),
        ({"width": 1000, "height": 500}, "size"),
        ({"cfg_scale": 3.0}, "cfg_scale"),
        ({"settings": {"warpDrive": True}}, "settings.warpDrive"),
        ({"prompt": ""}, "prompt"),
        ({"last_frame": "/x/last.png"}, "last_frame"),
        ({"shots": (Shot(prompt="a", duration=2), Shot(prompt="b", duration=2)), "duration": None}, "shots"),
        ({"number_results": 2}, "number_results"),
    ],
)
def test_both_readings_refuse_a_broken_rule_on_the_same_field(change, field) -> None:
    broken = T2V.model_copy(update=change)
    assert field in {p.field for p in validation.problems_for(broken)}
    assert field in {r.field for r in spec_check.refusals(broken)}


def _runware_task(duration: int) -> dict:
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "klingai:1@1",
        "positivePrompt": "A boat on a lake",
        "width": 1280,
        "height": 720,
        "duration": duration,
        "deliveryMethod": "async",
    }


def test_the_emulator_refuses_what_a_broken_client_validator_accepts(monkeypatch) -> None:
    # A bug in the app: its duration rule is lost. The app would now send a 7-second request.
    monkeypatch.setattr(validation, "_check_duration", lambda *args: [])
    assert validation.problems_for(T2V.model_copy(update={"duration": 7})) == []
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        headers = {"Authorization": f"Bearer {RUNWARE_TEST_KEY}"}
        ok = httpx.post(emu.base_url + "/v1", json=[_runware_task(5)], headers=headers, timeout=20).json()
        bad = httpx.post(emu.base_url + "/v1", json=[_runware_task(7)], headers=headers, timeout=20).json()
        token = make_token(KLING_TEST_ACCESS, KLING_TEST_SECRET)
        kling = httpx.post(
            emu.base_url + "/v1/videos/text2video",
            json={"model_name": "kling-v1", "mode": "std", "prompt": "A boat", "duration": "7"}
            | {"aspect_ratio": "16:9"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=20,
        )
    assert "errors" not in ok, ok
    (error,) = bad["errors"]
    assert error["code"] == "invalidValue" and error.get("parameter") == "duration", error
    assert kling.json()["code"] == 1201 and "duration" in kling.json()["message"], kling.json()


def test_the_client_refuses_what_a_broken_emulator_check_accepts(monkeypatch) -> None:
    monkeypatch.setattr(spec_check, "_length", lambda *args: [])
    broken = T2V.model_copy(update={"duration": 7})
    assert spec_check.refusals(broken) == []
    assert [p.field for p in validation.problems_for(broken)] == ["duration"]
