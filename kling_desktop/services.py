"""The one composition root for the core: the CLI uses it as is, the window adds Qt adapters on top."""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass
from pathlib import Path

import httpx

from kling_desktop.core.heap import settle_startup_heap
from kling_desktop.core.paths import AppPaths
from kling_desktop.core.secrets import Credentials
from kling_desktop.core.settings import Settings
from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.runner import JobRunner
from kling_desktop.library.store import LibraryStore
from kling_desktop.providers.registry import ProviderRegistry, credential_env_names

USER_AGENT = "KlingDesktop/0.1 (+https://github.com/kling-desktop)"
# What the first request of the async client loads (httpcore picks its backend then): about 30 ms of imports.
FIRST_REQUEST_MODULES = ("sniffio", "anyio", "anyio._backends._asyncio", "httpcore._backends.anyio")


@dataclass
class Services:
    paths: AppPaths
    settings: Settings
    credentials: Credentials
    client: httpx.AsyncClient
    providers: ProviderRegistry
    journal: Journal
    library: LibraryStore
    runner: JobRunner

    @property
    def settings_file(self) -> Path:
        return self.paths.config / "settings.json"

    async def settle_after_start(self) -> int:
        """Once the window is painted: load on a worker thread what the first request would load on the event
        loop's thread, then freeze the start-up heap (``core/heap.py``). Returns how many objects were frozen."""
        await asyncio.to_thread(lambda: [importlib.import_module(m) for m in FIRST_REQUEST_MODULES])
        return settle_startup_heap()

    async def aclose(self) -> None:
        await self.runner.aclose()
        await self.providers.aclose()
        await self.client.aclose()


def build_services(paths: AppPaths | None = None, credentials: Credentials | None = None) -> Services:
    paths = (paths or AppPaths.default()).ensure()
    settings = Settings.load(paths.config / "settings.json")
    library_root = Path(settings.library_folder) if settings.library_folder else paths.library
    credentials = credentials or Credentials(credential_env_names())
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, connect=10.0),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=8),
    )
    providers = ProviderRegistry(settings, credentials, client, str(paths.cache / "uploads"))
    journal = Journal(paths.data / "jobs.sqlite")
    library = LibraryStore(paths.data / "library.sqlite", library_root)
    runner = JobRunner(
        journal,
        providers,
        library.media_dir,
        paths.cache / "work",
        client,
        sink=library,
        concurrency=settings.concurrency,
    )
    return Services(paths, settings, credentials, client, providers, journal, library, runner)
