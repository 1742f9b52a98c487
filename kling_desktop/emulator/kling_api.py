"""The official Kling API half of the emulator (filled in by kling_api_routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kling_desktop.emulator.server import EmulatorServer


def register(server: EmulatorServer) -> None:
    try:
        from kling_desktop.emulator.kling_routes import register_routes
    except ImportError:
        return
    register_routes(server)
