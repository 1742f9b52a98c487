"""The player the gallery and the window use: the viewer (see ``kling_desktop.ui.viewer``)."""

from __future__ import annotations

from kling_desktop.ui.viewer.viewer import IMAGE_SUFFIXES, Viewer

Player = Viewer

__all__ = ["IMAGE_SUFFIXES", "Player", "Viewer"]
