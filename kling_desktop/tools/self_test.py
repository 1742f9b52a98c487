"""``kling-desktop --self-test``: catalog loaded, window open, a draft rendered and played. Exit 0 when all hold."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from kling_desktop.catalog.models import all_models
from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.states import JobState

CHECK_REQUEST = GenerationRequest(
    model="klingai:kling-video@3-standard",
    prompt="Self-test: a lantern sways",
    width=1280,
    height=720,
    duration=3,
    sound=True,
)


async def run_self_test(window: Any, frozen: int = 0, timeout: float = 180.0) -> int:
    def say(text: str) -> None:
        print(f"self-test: {text}", flush=True)

    assert len(all_models()) == 25, "catalog"
    say(f"catalog: {len(all_models())} models")
    window.form.set_model(CHECK_REQUEST.model)
    say(f"window: {window.windowTitle()} ({'visible' if window.isVisible() else 'hidden'})")
    say(f"heap: {frozen} start-up objects frozen (out of the garbage collector's walk)")
    job = await window.services.runner.submit(CHECK_REQUEST, "local")
    job = await asyncio.wait_for(window.services.runner.wait(job.id), timeout)
    if job.state is not JobState.DONE:
        say(f"FAILED: the draft did not render: {job.error}")
        return 1
    say(f"draft: {job.files[0]}")
    player = window.gallery.player
    player.open(job.files[0])
    deadline = time.monotonic() + 30
    while player.media.position() <= 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if player.media.position() <= 0:
        say(f"FAILED: playback did not advance ({player.message.text()})")
        return 1
    say(f"playback: position {player.media.position()} ms")
    player.stop()
    say("OK")
    return 0
