"""The providers the app offers, registered in one place, and the registry that builds them.

To add a provider: write its module with a ``DESCRIPTOR`` (see ``providers/descriptors.py``), add one line to
``REGISTERED`` below, and add its tests. Everything else (settings dialog, form picker, CLI, key store,
jobs and details panes) reads the descriptors.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import ModelSpec
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Credentials
from kling_desktop.core.settings import Settings
from kling_desktop.providers import kling, local, runware
from kling_desktop.providers.base import Provider
from kling_desktop.providers.descriptors import (
    BaseUrlInvalid,
    CredentialField,
    ProviderContext,
    ProviderDescriptor,
    resolve_base_url,
)

# The providers, in the order the pickers show them. One line per provider.
REGISTERED: tuple[ProviderDescriptor, ...] = (
    local.DESCRIPTOR,
    runware.DESCRIPTOR,
    kling.DESCRIPTOR,
)


def descriptors() -> tuple[ProviderDescriptor, ...]:
    return REGISTERED


def descriptor(name: str) -> ProviderDescriptor:
    for d in REGISTERED:
        if d.name == name:
            return d
    raise UnknownProvider(name)


def provider_names() -> list[str]:
    return [d.name for d in REGISTERED]


def provider_label(name: str) -> str:
    """The label of a registered provider; an unknown name (an old job, an imported clip) is shown as is."""
    return next((d.label for d in REGISTERED if d.name == name), name)


def credential_fields() -> tuple[CredentialField, ...]:
    return tuple(c for d in REGISTERED for c in d.credentials)


def credential_env_names() -> dict[str, str]:
    """Keyring entry -> environment variable, for the key store's fallback."""
    return {c.name: c.env for c in credential_fields()}


def base_url_problems(base_urls: Mapping[str, str], environ: Mapping[str, str] | None = None) -> list[str]:
    """A sentence per unusable base URL (settings or environment), naming where it came from."""
    env = os.environ if environ is None else environ
    problems = []
    for d in REGISTERED:
        if d.base_url is None:
            continue
        try:
            resolve_base_url(d.base_url, base_urls, env)
        except BaseUrlInvalid as exc:
            problems.append(str(exc))
    return problems


class UnknownProvider(KeyError):
    def __str__(self) -> str:
        return f"Unknown provider {self.args[0]!r}; choose one of {', '.join(provider_names())}."


class ProviderRegistry:
    """Builds each provider once, lazily, with the shared HTTP client, its base URL and its keys.

    Keys are read at each request, so a new key applies at once. ``reconfigure()`` after a settings change
    rebuilds the providers whose address changed (the next request goes to the new address); the replaced
    instances are closed with the registry.
    """

    def __init__(
        self,
        settings: Settings,
        credentials: Credentials,
        client: httpx.AsyncClient,
        cache_dir: str,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.credentials = credentials
        self.client = client
        self.cache_dir = cache_dir
        self._environ = os.environ if environ is None else environ
        self._built: dict[str, Provider] = {}
        self._urls: dict[str, str | None] = {}  # the address each built provider was made with
        self._retired: list[Provider] = []

    def names(self) -> list[str]:
        return provider_names()

    def base_url(self, name: str) -> str | None:
        """The address the provider uses; BaseUrlInvalid (naming the setting or variable) when unusable."""
        d = descriptor(name)
        if d.base_url is None:
            return None
        return resolve_base_url(d.base_url, self.settings.base_urls, self._environ)

    def get(self, name: str) -> Provider:
        d = descriptor(name)
        if name not in self._built:
            context = ProviderContext(
                base_url=self.base_url(name) or "",
                key=self.credentials.get,
                client=self.client,
                cache_dir=self.cache_dir,
            )
            self._built[name] = d.factory(context)
            self._urls[name] = context.base_url
        return self._built[name]

    def reconfigure(self) -> list[str]:
        """Settings changed: the providers whose address changed are rebuilt when next asked for.

        Returns the names of the providers that will be rebuilt."""
        changed = []
        for name in list(self._built):
            try:
                url = self.base_url(name) or ""
            except BaseUrlInvalid:
                url = None
            if url != self._urls.get(name):
                self._retired.append(self._built.pop(name))
                changed.append(name)
        return changed

    def first_with_keys(self) -> str | None:
        """The first cloud provider whose keys are all set (reads the keyring: call off the GUI thread)."""
        for d in REGISTERED:
            if not d.is_draft and d.credentials and all(self.credentials.get(c.name) for c in d.credentials):
                return d.name
        return None

    def unsupported_reason(self, name: str, spec: ModelSpec) -> str | None:
        try:
            return self.get(name).unsupported_reason(spec)
        except (UnknownProvider, BaseUrlInvalid) as exc:
            return str(exc)

    def request_problem(self, name: str, request: GenerationRequest) -> str | None:
        try:
            return self.get(name).request_problem(request, get_model(request.model))
        except (UnknownProvider, BaseUrlInvalid) as exc:
            return str(exc)

    async def aclose(self) -> None:
        for provider in [*self._retired, *self._built.values()]:
            await provider.aclose()
        self._retired.clear()
        self._built.clear()
