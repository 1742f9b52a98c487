"""What the app knows about a provider, in one value: its label, its keys and their environment variables,
its base-URL setting and that setting's environment variable, how to build it, and what it cannot do.

Each provider module defines one ``DESCRIPTOR``; ``providers/registry.py`` lists them. The settings dialog,
the form's provider picker, the jobs and details panes, the CLI and the key store all read these values, so a
new provider is its module, one registration line and its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from kling_desktop.core.secrets import Secret
from kling_desktop.providers.base import Provider, ProviderError


@dataclass(frozen=True)
class CredentialField:
    """One secret a provider needs: stored in the keyring under ``name``, or read from ``env``."""

    name: str  # keyring entry, e.g. "runware"
    label: str  # "Runware API key"
    env: str  # "RUNWARE_API_KEY"


@dataclass(frozen=True)
class BaseUrlSetting:
    """The provider's address: ``Settings.base_urls[setting]`` in the settings file, ``env`` overrides it."""

    setting: str  # key in Settings.base_urls, e.g. "runware"
    label: str  # "Runware base URL"
    default: str
    env: str  # "KLING_DESKTOP_RUNWARE_URL"


@dataclass(frozen=True)
class ProviderContext:
    """What a factory gets: the chosen base URL, the key reader, the shared HTTP client, a cache folder."""

    base_url: str
    key: Callable[[str], Secret | None]  # credential name -> the secret, read at each request
    client: httpx.AsyncClient
    cache_dir: str


@dataclass(frozen=True)
class ProviderDescriptor:
    name: str  # stable id stored in jobs and clips: "local", "runware", "kling"
    label: str  # shown to the artist
    factory: Callable[[ProviderContext], Provider]
    credentials: tuple[CredentialField, ...] = ()
    base_url: BaseUrlSetting | None = None
    limits: str = ""  # what it cannot do, in one sentence (per-model reasons come from the provider itself)
    is_draft: bool = False  # renders on this computer; its results are labelled drafts


class BaseUrlInvalid(ProviderError, ValueError):
    """A base URL that cannot be used; the message names the setting or variable it came from.

    A ProviderError, so a job started with it fails with this sentence rather than a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="invalidBaseUrl")


def check_base_url(url: str, where: str) -> str:
    """``url`` without a trailing slash, or BaseUrlInvalid naming ``where`` and the rule it broke."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a port out of range or not a number
        host = parts.hostname
    except ValueError as exc:
        raise BaseUrlInvalid(f"{where}: {text!r} is not a valid URL ({exc}).") from None
    if parts.scheme not in ("http", "https"):
        raise BaseUrlInvalid(f"{where}: {text!r} must start with http:// or https://.")
    if not host:
        raise BaseUrlInvalid(f"{where}: {text!r} names no host.")
    if port is None and parts.netloc.endswith(":"):
        raise BaseUrlInvalid(f"{where}: {text!r} has a ':' but no port number after it.")
    if parts.query or parts.fragment:
        raise BaseUrlInvalid(f"{where}: {text!r} must not carry a query or a fragment.")
    return text.rstrip("/")


def resolve_base_url(
    setting: BaseUrlSetting, base_urls: Mapping[str, str], environ: Mapping[str, str]
) -> str:
    """The environment variable, else the settings file, else the default — checked, named when refused."""
    if value := environ.get(setting.env, "").strip():
        return check_base_url(value, f"environment variable {setting.env}")
    if value := base_urls.get(setting.setting, "").strip():
        return check_base_url(value, f"setting '{setting.label}'")
    return setting.default
