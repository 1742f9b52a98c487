"""The offline draft renderer: any request becomes a real MP4 animatic (PyAV + Pillow)."""

from kling_desktop.render.plan import DraftPlan, RenderResult, Segment
from kling_desktop.render.renderer import render_draft, render_still

__all__ = ["DraftPlan", "RenderResult", "Segment", "render_draft", "render_still"]
