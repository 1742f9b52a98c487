"""The Kling half of the emulator over raw HTTP: envelope, statuses, queries, duplicates, faults."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import httpx
from media_factory import make_png

from kling_desktop.core.probe import probe_media
from kling_desktop.providers.kling_auth import make_token
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, EmulatorServer

T2V = "/v1/videos/text2video"
BODY = {
    "model_name": "kling-v1",
    "mode": "std",
    "prompt": "A boat on a lake",
    "duration": "5",
    "aspect_ratio": "16:9",
}


def call(emu: EmulatorServer, method: str, path: str, body: Any = None) -> httpx.Response:
    headers = {"Authorization": "Bearer " + make_token(KLING_TEST_ACCESS, KLING_TEST_SECRET)}
    return httpx.request(method, emu.base_url + path, headers=headers, json=body, timeout=20)


def wait_done(emu: EmulatorServer, path: str) -> tuple[list[str], dict[str, Any]]:
    seen: list[str] = []
    for _ in range(400):
        data = call(emu, "GET", path).json()["data"]
        if not seen or seen[-1] != data["task_status"]:
            seen.append(data["task_status"])
        if data["task_status"] in ("succeed", "failed"):
            return seen, data
        time.sleep(0.02)
    raise AssertionError("never finished")


def test_create_then_submitted_processing_succeed(tmp_path: Path) -> None:
    with EmulatorServer(delay=0.3, max_side=160) as emu:
        resp = call(emu, "POST", T2V, BODY | {"external_task_id": "ext-a"})
        env = resp.json()
        assert (
            resp.status_code == 200 and env["code"] == 0 and env["message"] == "SUCCEED" and env["request_id"]
        )
        data = env["data"]
        assert data["task_status"] == "submitted" and data["task_info"] == {"external_task_id": "ext-a"}
        assert data["task_id"].isdigit() and isinstance(data["created_at"], int)
        seen, done = wait_done(emu, f"{T2V}/{data['task_id']}")
        assert seen[-1] == "succeed" and set(seen) <= {"submitted", "processing", "succeed"}
        assert seen == sorted(seen, key=["submitted", "processing", "succeed"].index)
        [video] = done["task_result"]["videos"]
        assert video["url"].startswith(emu.base_url + "/media/") and float(video["duration"]) > 0
        out = tmp_path / "out.mp4"
        out.write_bytes(httpx.get(video["url"], timeout=20).content)
        assert probe_media(out).has_video


def test_queries_by_task_id_and_external_task_id_on_the_creating_path_only() -> None:
    with EmulatorServer(delay=0.1, max_side=160) as emu:
        task_id = call(emu, "POST", T2V, BODY | {"external_task_id": "ext-q"}).json()["data"]["task_id"]
        by_ext = call(emu, "GET", f"{T2V}/ext-q").json()["data"]
        assert by_ext["task_id"] == task_id
        listed = call(emu, "GET", f"{T2V}?external_task_id=ext-q&pageNum=1&pageSize=10").json()["data"]
        assert [t["task_id"] for t in listed] == [task_id]
        other = call(emu, "GET", f"/v1/videos/image2video/{task_id}")
        assert other.status_code == 404 and other.json()["code"] == 1203
        unknown = call(emu, "GET", f"{T2V}/no-such-task")
        assert unknown.status_code == 404 and unknown.json()["code"] == 1203 and "data" not in unknown.json()


def test_duplicate_external_task_id_is_refused_and_not_counted() -> None:
    with EmulatorServer(delay=0.1, max_side=160) as emu:
        assert call(emu, "POST", T2V, BODY | {"external_task_id": "ext-d"}).json()["code"] == 0
        again = call(emu, "POST", T2V, BODY | {"external_task_id": "ext-d"})
        assert (
            again.status_code == 400
            and again.json()["code"] == 1201
            and "already exists" in again.json()["message"]
        )
        assert emu.submissions["ext-d"] == 1 and emu.state.received["ext-d"] == 2


def test_bad_bodies(tmp_path: Path) -> None:
    png = base64.b64encode(make_png(tmp_path / "a.png", 320, 320).read_bytes()).decode()
    with EmulatorServer(delay=0.1, max_side=160) as emu:
        prefixed = call(
            emu,
            "POST",
            "/v1/videos/image2video",
            {"model_name": "kling-v1", "mode": "std", "image": "data:image/png;base64," + png},
        )
        assert (
            prefixed.status_code == 400
            and prefixed.json()["code"] == 1201
            and "data:" in prefixed.json()["message"]
        )
        unknown = call(emu, "POST", T2V, BODY | {"model_name": "kling-v9"})
        assert unknown.status_code == 404 and unknown.json()["code"] == 1203
        shots = call(
            emu,
            "POST",
            T2V,
            {
                "model_name": "kling-v3",
                "mode": "pro",
                "multi_shot": "true",
                "shot_type": "customize",
                "duration": "9",
                "aspect_ratio": "16:9",
                "multi_prompt": [{"index": 1, "prompt": "a", "duration": "3"}],
            },
        )
        assert shots.json()["code"] == 1201 and "add up" in shots.json()["message"]
        ok = call(
            emu, "POST", "/v1/videos/image2video", {"model_name": "kling-v1", "mode": "std", "image": png}
        )
        assert ok.json()["code"] == 0


def test_fault_1303_then_accepted_and_fault_fail() -> None:
    with EmulatorServer(faults="1303=2,fail=1", delay=0.1, max_side=160) as emu:
        codes = [call(emu, "POST", T2V, BODY | {"external_task_id": "ext-c"}) for _ in range(3)]
        assert [(r.status_code, r.json()["code"]) for r in codes] == [(429, 1303), (429, 1303), (200, 0)]
        assert codes[0].json()["message"] == "parallel task over resource pack limit"
        assert emu.submissions["ext-c"] == 1
        _, done = wait_done(emu, f"{T2V}/ext-c")
        assert done["task_status"] == "failed" and done["task_status_msg"] and done["task_result"] == {}


def test_documented_unsupported_combinations_are_refused(tmp_path: Path) -> None:
    img = base64.b64encode(make_png(tmp_path / "a.png", 640, 360).read_bytes()).decode()
    i2v = "/v1/videos/image2video"
    frames = {"image": img, "image_tail": img, "mode": "pro", "duration": "5", "prompt": "A door opens"}
    shots = {
        "multi_shot": True,
        "shot_type": "customize",
        "duration": "5",
        "multi_prompt": [
            {"index": 1, "prompt": "Wide", "duration": "2"},
            {"index": 2, "prompt": "Close", "duration": "3"},
        ],
    }
    omni_shots = shots | {
        "model_name": "kling-v3-omni",
        "mode": "pro",
        "image_list": [{"image_url": img, "type": "first_frame"}, {"image_url": img, "type": "end_frame"}],
    }
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        refused = [
            call(emu, "POST", i2v, frames | {"model_name": "kling-v2-6", "sound": "on"}).json(),
            call(
                emu,
                "POST",
                i2v,
                shots | {"model_name": "kling-v3", "mode": "pro", "image": img, "image_tail": img},
            ).json(),
            call(emu, "POST", "/v1/videos/omni-video", omni_shots).json(),
        ]
        allowed = call(emu, "POST", i2v, frames | {"model_name": "kling-v2-6", "sound": "off"}).json()
    assert [r["code"] for r in refused] == [1201, 1201, 1201], refused
    assert "without sound only" in refused[0]["message"]
    assert all("multi_shot does not support an end frame" in r["message"] for r in refused[1:])
    assert allowed["code"] == 0, allowed


def test_a_base_video_with_frames_is_refused(tmp_path: Path) -> None:
    img = base64.b64encode(make_png(tmp_path / "a.png", 640, 360).read_bytes()).decode()
    body = {
        "model_name": "kling-v3-omni",
        "mode": "pro",
        "prompt": "Make it night",
        "image_list": [{"image_url": img, "type": "first_frame"}],
        "video_list": [{"video_url": "http://127.0.0.1:9/v.mp4", "refer_type": "base"}],
    }
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        refused = call(emu, "POST", "/v1/videos/omni-video", body).json()
    assert refused["code"] == 1201 and "takes no first or end frame" in refused["message"]
