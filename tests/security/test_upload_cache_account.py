"""The Runware upload cache is per account: after switching keys, account B never reuses account A's ids,
and the cache names the account by a one-way hash, never by the key."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
from media_factory import make_png

from kling_desktop.catalog.models import get_model
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Secret
from kling_desktop.providers.base import JobContext, ProviderError
from kling_desktop.providers.kling_payload import file_base64
from kling_desktop.providers.runware import RunwareProvider
from kling_desktop.providers.runware_uploads import UploadCache, account_id, data_uri, file_digest
from kling_emulator.server import EmulatorServer

KEY_A = "account-A-key-6f5e4d3c2b1a09182736"
KEY_B = "account-B-key-0a1b2c3d4e5f60718293"


def test_switching_accounts_uploads_again_and_keeps_each_accounts_ids(tmp_path: Path) -> None:
    img = make_png(tmp_path / "first.png", 1280, 720)
    req = GenerationRequest(model="klingai:5@2", first_frame=str(img), duration=5)
    current = {"key": KEY_A}

    async def main() -> tuple[int, int, str | None, str | None, str]:
        with EmulatorServer(delay=0.2, max_side=160) as emu:
            emu.runware_key = KEY_A
            p = RunwareProvider(emu.base_url, lambda: Secret(current["key"]), None, str(tmp_path / "uploads"))
            try:
                ctx = JobContext("a", str(uuid.uuid4()), req, get_model(req.model), tmp_path)
                await p.submit(ctx)
                after_a = emu.state.upload_count
                id_a = p.uploads.get(file_digest(img))
                current["key"] = emu.runware_key = KEY_B  # the artist pastes another account's key
                ctx = JobContext("b", str(uuid.uuid4()), req, get_model(req.model), tmp_path)
                await p.submit(ctx)
                id_b = p.uploads.get(file_digest(img))
                return after_a, emu.state.upload_count, id_a, id_b, emu.base_url
            finally:
                await p.aclose()

    after_a, after_b, id_a, id_b, base_url = asyncio.run(main())
    assert after_a == 1 and after_b == 2, "account B must upload its own copy"
    assert id_a and id_b and id_a != id_b
    files = sorted((tmp_path / "uploads").glob("*.json"))
    assert len(files) == 2
    for f in files:
        text = f.read_text()
        assert KEY_A not in text and KEY_B not in text and "account-" not in f.name
    assert {f.name.rsplit("-", 1)[-1].removesuffix(".json") for f in files} == {
        account_id(KEY_A),
        account_id(KEY_B),
    }
    # and account A, back again, finds its own id (nothing lost by switching)
    assert UploadCache(tmp_path / "uploads", base_url, account=lambda: KEY_A).get(file_digest(img)) == id_a


def test_account_id_is_one_way_and_stable() -> None:
    assert account_id(KEY_A) == account_id(KEY_A) != account_id(KEY_B)
    assert KEY_A not in account_id(KEY_A) and len(account_id(KEY_A)) == 16


def test_an_input_replaced_by_a_fifo_is_refused_at_send_time(tmp_path: Path) -> None:
    """A job resumed later reads its inputs again: a FIFO put in an input's place is named, never opened."""
    img = make_png(tmp_path / "first.png", 640, 360)
    img.unlink()
    os.mkfifo(img)
    for read in (file_digest, data_uri, file_base64):
        with pytest.raises(ProviderError, match=r"Input first\.png: is a named pipe \(FIFO\)") as info:
            read(str(img))
        assert info.value.code == "inputFile"
