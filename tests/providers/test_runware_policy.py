"""Pure pieces of the Runware client: poll schedule, retry policy, error mapping, upload cache."""

from __future__ import annotations

import itertools
import json
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from kling_desktop.providers.backoff import parse_retry_after, poll_delays
from kling_desktop.providers.retry import is_retryable_exception, should_retry, wait_before_retry
from kling_desktop.providers.runware_errors import error_items, is_account_error, to_provider_error
from kling_desktop.providers.runware_uploads import UploadCache, data_uri, file_digest


def test_poll_schedule_is_soon_then_steady() -> None:
    assert list(itertools.islice(poll_delays(), 6)) == [1.0, 1.5, 2.25, 3.0, 3.0, 3.0]
    assert max(itertools.islice(poll_delays(), 100)) == 3.0  # a finished video is noticed within ~3 s


def test_which_answers_are_retried() -> None:
    assert all(should_retry(s) for s in (408, 429, 500, 502, 503, 504))
    assert not any(should_retry(s) for s in (200, 400, 401, 402, 403, 404, 410))
    assert not should_retry(429, frozenset({503}))  # Kling retries 429 by envelope code instead
    assert is_retryable_exception(httpx.ConnectError("refused"))
    assert is_retryable_exception(httpx.ReadTimeout("slow"))
    assert is_retryable_exception(httpx.RemoteProtocolError("reset"))
    assert not is_retryable_exception(ValueError("bug"))


def test_retry_waits_honour_retry_after_else_back_off_with_jitter() -> None:
    assert wait_before_retry(1, "2") == 2.0
    assert wait_before_retry(5, "0.25") == 0.25
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= wait_before_retry(1, format_datetime(later, usegmt=True)) <= 30
    assert parse_retry_after("9999") == 120.0  # capped
    rng = random.Random(7)
    waits = [wait_before_retry(n, "soon", rng=rng) for n in range(1, 8)]
    assert waits[0] == pytest.approx(0.3, rel=0.25) and waits[1] == pytest.approx(0.6, rel=0.25)
    assert all(0 < w <= 8 * 1.2 for w in waits) and waits[-1] >= 8 * 0.8  # capped near 8 s
    assert len({round(w, 6) for w in waits[-3:]}) == 3  # jittered, not in lockstep


def test_both_error_forms_are_read() -> None:
    top = {"errors": [{"code": "timeoutProvider", "status": "error", "taskUUID": "t", "message": "slow"}]}
    item = {
        "data": [
            {"taskUUID": "t", "status": "error", "error": {"code": "taskFailed", "message": "boom"}},
            {"taskUUID": "u", "status": "processing"},
        ]
    }
    assert [e["code"] for e in error_items(top)] == ["timeoutProvider"]
    assert [(e["code"], e["taskUUID"]) for e in error_items(item)] == [("taskFailed", "t")]
    assert error_items({"error": {"code": "invalidApiKey"}})[0]["code"] == "invalidApiKey"
    assert error_items([{"code": "x"}])[0]["code"] == "x"
    assert error_items({"data": [{"taskUUID": "t", "status": "success"}]}) == []


def test_errors_say_what_happened_and_what_to_do() -> None:
    key = to_provider_error({"code": "invalidApiKey", "message": "Invalid API key."}, 401)
    assert key.message.startswith("Runware rejected the API key. Open Settings → Providers")
    assert is_account_error(key) and not key.retryable
    assert to_provider_error({}, 401).code == "invalidApiKey"
    credits = to_provider_error({"code": "insufficientCredits", "message": "no"}, 402)
    assert (
        "no credit left" in credits.message and "Top it up" in credits.message and is_account_error(credits)
    )
    param = to_provider_error(
        {
            "code": "unsupportedDuration",
            "message": "Invalid value for duration parameter.",
            "parameter": "duration",
            "allowedValues": [5, 10],
        },
        400,
    )
    assert "(parameter duration)" in param.message and "Allowed: 5, 10." in param.message
    assert not param.retryable
    assert (
        "(parameter inputs.frameImages, width)"
        in to_provider_error(
            {
                "code": "invalidValue",
                "message": "cannot be used together",
                "parameter": ["inputs.frameImages", "width"],
            }
        ).message
    )
    conflict = to_provider_error({"code": "conflictTaskUUID"}, 400)
    assert conflict.code == "conflictTaskUUID" and not conflict.never_received
    gone = to_provider_error({"code": "taskFailedOrNotFound", "message": "Task not found"}, 200, polling=True)
    assert gone.never_received
    busy = to_provider_error({"code": "timeoutProvider", "message": "slow"}, 200)
    assert busy.retryable
    failed = to_provider_error({"code": "timeoutProvider", "message": "slow"}, 200, polling=True)
    assert not failed.retryable and failed.may_have_billed and "press Retry" in failed.message
    content = to_provider_error(
        {"code": "invalidProviderContent", "responseContent": "the image shows a face"}
    )
    assert "the image shows a face" in content.message
    assert to_provider_error({}, 503).retryable


def test_upload_cache_keeps_ids_by_content_and_forgets_old_ones(tmp_path) -> None:
    img = tmp_path / "a.png"
    img.write_bytes(b"\x89PNG fake")
    digest = file_digest(img)
    assert data_uri(img).startswith("data:image/png;base64,")
    cache = UploadCache(tmp_path / "c", "http://127.0.0.1:1")
    cache.put(digest, "uuid-1", now=1000.0)
    again = UploadCache(tmp_path / "c", "http://127.0.0.1:1")  # read back from disk
    assert again.get(digest, now=1001.0) == "uuid-1"
    assert again.get(digest, now=1000.0 + again.max_age + 1) is None  # Runware deletes old uploads
    assert UploadCache(tmp_path / "c", "http://127.0.0.1:2").get(digest, now=1001.0) is None  # per base URL
    assert (
        again.forget({"uuid-1"}) == 1
        and UploadCache(tmp_path / "c", "http://127.0.0.1:1").get(digest) is None
    )
    cache.path.write_text(json.dumps({digest: "legacy-id"}))  # the first format: bare ids, age unknown
    assert UploadCache(tmp_path / "c", "http://127.0.0.1:1", max_age=1e12).get(digest) == "legacy-id"
    cache.path.write_text("not json")
    assert UploadCache(tmp_path / "c", "http://127.0.0.1:1").get(digest) is None


def test_what_proves_runware_never_received_a_task(tmp_path) -> None:
    """taskFailedOrNotFound proves it only before Runware acknowledged the submit."""
    import asyncio
    from dataclasses import replace

    from kling_desktop.catalog.models import get_model
    from kling_desktop.core.request import GenerationRequest
    from kling_desktop.core.secrets import Secret
    from kling_desktop.providers.base import JobContext, ProviderError
    from kling_desktop.providers.runware import RunwareProvider
    from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

    req = GenerationRequest(model="klingai:1@1", prompt="A boat", width=1280, height=720, duration=5)
    ctx = JobContext("j", "never-sent-uuid", req, get_model(req.model), tmp_path)

    async def main(emu):
        async with httpx.AsyncClient() as client:
            p = RunwareProvider(emu.base_url, lambda: Secret(RUNWARE_TEST_KEY), client, str(tmp_path / "up"))
            errors = []
            for c in (ctx, replace(ctx, acknowledged=True)):
                with pytest.raises(ProviderError) as caught:
                    await p.poll(c, None)
                errors.append(caught.value)
            return errors

    with EmulatorServer(delay=0.2) as emu:
        before, after = asyncio.run(main(emu))
    assert before.never_received and before.code == "taskFailedOrNotFound"
    assert not after.never_received and after.retryable and "does not report on this task" in after.message
