"""The official Kling API half of the emulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kling_desktop.emulator.kling_routes import register_routes

if TYPE_CHECKING:
    from kling_desktop.emulator.server import EmulatorServer


def register(server: EmulatorServer) -> None:
    register_routes(server)
