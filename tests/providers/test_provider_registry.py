"""Provider descriptors: one registration line makes a provider known everywhere; base URLs are checked
where they are set (settings file or environment) and refused with a sentence naming where they came from."""

from __future__ import annotations

import json
import subprocess
import sys

import fake_provider
import pytest

from kling_desktop.catalog.models import get_model
from kling_desktop.cli import build_parser, main
from kling_desktop.core.paths import AppPaths
from kling_desktop.core.settings import Settings
from kling_desktop.providers import registry
from kling_desktop.providers.descriptors import BaseUrlInvalid, check_base_url
from kling_desktop.services import build_services

BAD_URLS = ["http://127.0.0.1:99999", "http://[::1", "ftp://example.com/v1", "http://host:"]


@pytest.fixture
def with_fake_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one registration line a new provider needs, added for this test."""
    monkeypatch.setattr(registry, "REGISTERED", (*registry.REGISTERED, fake_provider.DESCRIPTOR))


def test_a_registered_provider_reaches_the_cli_the_key_store_and_the_registry(
    with_fake_provider, capsys, monkeypatch
) -> None:
    assert main(["providers", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    fake = rows["fakeai"]
    assert fake["label"] == "Fake AI" and fake["keys"] == [
        {"name": "fakeai", "label": "Fake AI key", "env": "FAKEAI_API_KEY"}
    ]
    assert fake["base_url"] == {
        "address": "https://fake.invalid",
        "problem": None,
        "env": "KLING_DESKTOP_FAKEAI_URL",
    }
    args = build_parser().parse_args(["generate", "--model", "klingai:5@2", "--provider", "fakeai"])
    assert args.provider == "fakeai"
    monkeypatch.setenv("FAKEAI_API_KEY", "fake-key")
    monkeypatch.setenv("KLING_DESKTOP_FAKEAI_URL", "http://127.0.0.1:9/")
    services = build_services(AppPaths.default())
    try:
        assert services.credentials.get("fakeai").reveal() == "fake-key"
        built = services.providers.get("fakeai")
        assert isinstance(built, fake_provider.FakeProvider) and built.base_url == "http://127.0.0.1:9"
        assert services.providers.unsupported_reason("fakeai", get_model("klingai:kling-image@3"))
    finally:
        import asyncio

        asyncio.run(services.aclose())


def test_without_the_registration_line_the_provider_is_unknown(capsys) -> None:
    assert "fakeai" not in registry.provider_names()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["generate", "--model", "klingai:5@2", "--provider", "fakeai"])
    assert "invalid choice: 'fakeai'" in capsys.readouterr().err


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_base_url_in_the_environment_is_refused_naming_the_variable(url, monkeypatch) -> None:
    monkeypatch.setenv("KLING_DESKTOP_RUNWARE_URL", url)
    services = build_services(AppPaths.default())
    try:
        with pytest.raises(BaseUrlInvalid) as caught:
            services.providers.get("runware")
        assert "environment variable KLING_DESKTOP_RUNWARE_URL" in str(caught.value)
        assert url.strip() in str(caught.value)
        reason = services.providers.unsupported_reason("runware", get_model("klingai:5@2"))
        assert reason == str(caught.value)
        assert services.providers.unsupported_reason("local", get_model("klingai:5@2")) is None
    finally:
        import asyncio

        asyncio.run(services.aclose())


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_base_url_in_the_settings_is_refused_naming_the_setting(url) -> None:
    problems = registry.base_url_problems({"kling": url}, environ={})
    assert len(problems) == 1 and problems[0].startswith("setting 'Kling base URL':")
    with pytest.raises(BaseUrlInvalid, match="setting 'Kling base URL'"):
        check_base_url(url, "setting 'Kling base URL'")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8787", "https://api.runware.ai/", "http://[::1]:80/base"])
def test_good_base_urls_pass(url) -> None:
    assert check_base_url(url, "x") == url.rstrip("/")
    assert registry.base_url_problems({"runware": url}, environ={}) == []


def test_the_cli_says_which_variable_is_wrong_without_a_traceback(kd_home) -> None:
    env = {
        "KLING_DESKTOP_HOME": str(kd_home),
        "KLING_DESKTOP_KLING_URL": "http://127.0.0.1:99999",
        "PATH": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "kling_desktop", "generate", "--provider", "kling", "--model", "klingai:1@1"]
        + ["--prompt", "A boat", "--no-wait"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "environment variable KLING_DESKTOP_KLING_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_of_release_0_1_0_keep_their_addresses_and_default_provider_is_read(tmp_path) -> None:
    old = tmp_path / "settings.json"
    old.write_text(
        json.dumps(
            {
                "runware_url": "http://127.0.0.1:8787",
                "kling_url": "https://api-singapore.klingai.com",
                "library_folder": "",
                "default_provider": "runware",
                "concurrency": {"local": 1, "runware": 4, "kling": 2},
            }
        )
    )
    settings = Settings.load(old)
    assert settings.base_urls["runware"] == "http://127.0.0.1:8787"
    assert settings.default_provider == "runware"


def test_the_cli_runs_on_the_default_provider_from_the_settings(kd_home, capsys) -> None:
    paths = AppPaths.default().ensure()
    Settings(default_provider="kling", base_urls={"kling": "http://host:"}).save(
        paths.config / "settings.json"
    )
    code = main(
        ["generate", "--model", "klingai:1@1", "--prompt", "A boat", "--size", "1280x720", "--no-wait"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "setting 'Kling base URL'" in err  # it tried the kling provider, not the draft
