"""The emulator's Runware side: a ``deliveryMethod: "sync"`` imageInference (the documented default for images)
is answered with the image in the same reply, and result ids are real UUIDs distinct from the task id."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

HEADERS = {"Authorization": f"Bearer {RUNWARE_TEST_KEY}"}
IMAGE = {"taskType": "imageInference", "model": "klingai:kling-image@3", "positivePrompt": "A red kite"}


def _post(emu: EmulatorServer, tasks: list[dict]) -> dict:
    return httpx.post(emu.base_url + "/v1", json=tasks, headers=HEADERS, timeout=60).json()


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


@pytest.mark.parametrize("delivery", [{"deliveryMethod": "sync"}, {}], ids=["sync", "default"])
def test_sync_image_inference_answers_with_the_image(delivery: dict) -> None:
    task_uuid = str(uuid.uuid4())
    with EmulatorServer(delay=0.3, max_side=160) as emu:
        body = _post(emu, [IMAGE | delivery | {"taskUUID": task_uuid, "width": 1024, "height": 1024}])
        [item] = body["data"]
        png = httpx.get(item["imageURL"], timeout=20).content
    assert "errors" not in body and item["status"] == "success" and item["taskUUID"] == task_uuid
    assert _is_uuid(item["imageUUID"]) and item["imageUUID"] != task_uuid
    assert png.startswith(b"\x89PNG")


def test_async_results_carry_stable_real_uuids() -> None:
    task_uuid = str(uuid.uuid4())
    video = {
        "taskType": "videoInference",
        "taskUUID": task_uuid,
        "model": "klingai:1@1",
        "positivePrompt": "A boat on a lake",
        "width": 1280,
        "height": 720,
        "duration": 5,
        "deliveryMethod": "async",
    }
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        ack = _post(emu, [video])["data"][0]
        assert set(ack) == {"taskType", "taskUUID"}  # async: only an acknowledgement
        polls = []
        for _ in range(300):
            items = _post(emu, [{"taskType": "getResponse", "taskUUID": task_uuid}])["data"]
            if items and items[0]["status"] == "success":
                polls.append(items[0]["videoUUID"])
                if len(polls) == 2:
                    break
            time.sleep(0.05)
    assert len(polls) == 2 and polls[0] == polls[1]  # the same id at every poll
    assert _is_uuid(polls[0]) and polls[0] != task_uuid
