"""Provider registry: builds each backend once, lazily, with the shared HTTP client, URLs and credentials."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import ModelSpec
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Credentials
from kling_desktop.core.settings import Settings
from kling_desktop.providers.base import Provider
from kling_desktop.providers.local import LocalDraftProvider

PROVIDER_LABELS = {"local": "Draft (this computer)", "runware": "Runware", "kling": "Kling API"}


class UnknownProvider(KeyError):
    def __str__(self) -> str:
        return f"Unknown provider {self.args[0]!r}; choose one of {', '.join(PROVIDER_LABELS)}."


class ProviderRegistry:
    def __init__(
        self, settings: Settings, credentials: Credentials, client: httpx.AsyncClient, cache_dir: str
    ) -> None:
        self.settings = settings
        self.credentials = credentials
        self.client = client
        self.cache_dir = cache_dir
        self._built: dict[str, Provider] = {}
        self._factories: dict[str, Callable[[], Provider]] = {
            "local": LocalDraftProvider,
            "runware": self._runware,
            "kling": self._kling,
        }

    def names(self) -> list[str]:
        return list(self._factories)

    def get(self, name: str) -> Provider:
        if name not in self._factories:
            raise UnknownProvider(name)
        if name not in self._built:
            self._built[name] = self._factories[name]()
        return self._built[name]

    def unsupported_reason(self, name: str, spec: ModelSpec) -> str | None:
        try:
            return self.get(name).unsupported_reason(spec)
        except UnknownProvider as exc:
            return str(exc)

    def request_problem(self, name: str, request: GenerationRequest) -> str | None:
        try:
            return self.get(name).request_problem(request, get_model(request.model))
        except UnknownProvider as exc:
            return str(exc)

    def _runware(self) -> Provider:
        from kling_desktop.providers.runware import RunwareProvider

        return RunwareProvider(
            self.settings.effective_runware_url(),
            lambda: self.credentials.get("runware"),
            self.client,
            self.cache_dir,
        )

    def _kling(self) -> Provider:
        from kling_desktop.providers.kling import KlingProvider

        return KlingProvider(
            self.settings.effective_kling_url(),
            lambda: self.credentials.get("kling_access"),
            lambda: self.credentials.get("kling_secret"),
            self.client,
        )

    async def aclose(self) -> None:
        for provider in self._built.values():
            await provider.aclose()
