"""Kling Desktop: make, keep and play short videos with the Kling model family."""

__version__ = "0.1.0"
APP_NAME = "Kling Desktop"
APP_ID = "io.github.kling_desktop.KlingDesktop"
