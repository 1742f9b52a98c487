"""A provider that exists only in the tests: its module is this file, its registration one line.

``tests/ui/test_ui_settings.py`` and ``tests/providers/test_provider_registry.py`` add ``DESCRIPTOR`` to the
registry and check it shows up everywhere a provider is offered, without editing any other file.
"""

from __future__ import annotations

from kling_desktop.catalog.spec import Kind, ModelSpec
from kling_desktop.core.request import GenerationRequest
from kling_desktop.providers.base import JobContext, PollResult, ProviderError, SubmitResult
from kling_desktop.providers.descriptors import (
    BaseUrlSetting,
    CredentialField,
    ProviderContext,
    ProviderDescriptor,
)


class FakeProvider:
    name = "fakeai"
    label = "Fake AI"
    max_concurrency = 1

    def __init__(self, context: ProviderContext) -> None:
        self.base_url = context.base_url
        self._key = context.key

    def unsupported_reason(self, spec: ModelSpec) -> str | None:
        return None if spec.kind is Kind.VIDEO else "Fake AI makes videos only."

    def request_problem(self, request: GenerationRequest, spec: ModelSpec) -> str | None:
        return None

    async def submit(self, ctx: JobContext) -> SubmitResult:
        raise ProviderError("Fake AI accepts nothing.", code="fake")

    async def poll(self, ctx: JobContext, remote_id: str | None) -> PollResult:
        raise ProviderError("Fake AI knows no task.", never_received=True)

    async def aclose(self) -> None:
        return None


DESCRIPTOR = ProviderDescriptor(
    name=FakeProvider.name,
    label=FakeProvider.label,
    factory=FakeProvider,
    credentials=(CredentialField("fakeai", "Fake AI key", "FAKEAI_API_KEY"),),
    base_url=BaseUrlSetting("fakeai", "Fake AI base URL", "https://fake.invalid", "KLING_DESKTOP_FAKEAI_URL"),
    limits="Makes videos only.",
)
