"""Every parameter of the selected clip, readable, without touching the current form."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTextBrowser, QWidget

from kling_desktop.core.units import format_size
from kling_desktop.library.records import Clip
from kling_desktop.library.spend import estimate, money
from kling_desktop.providers.registry import provider_label
from kling_desktop.ui.names import model_label


def _row(name: str, value: object) -> str:
    if value in (None, "", [], {}):
        return ""
    return f"<tr><td style='color:#9aa0aa;padding-right:10px'>{html.escape(name)}</td><td>{html.escape(str(value))}</td></tr>"


class DetailsPane(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.clip: Clip | None = None
        self.anchorClicked.connect(self._link)
        self.show_clip(None)

    def _link(self, url: QUrl) -> None:
        if url.toString() == "copy:ids" and self.clip is not None:
            c = self.clip
            QGuiApplication.clipboard().setText(
                f"model {c.model}\njob {c.job_id}\ntask {c.task_id}\nremote {c.remote_id}\nclip {c.id}"
            )

    def show_clip(self, clip: Clip | None) -> None:
        self.clip = clip
        if clip is None:
            self.setHtml("<p style='color:#9aa0aa'>Select a clip to see how it was made.</p>")
            return
        req = clip.request.model_dump() if clip.request is not None else {}
        rows = [
            _row("Prompt", clip.prompt),
            _row("Negative prompt", clip.negative_prompt),
            _row("Model", model_label(clip.model) if clip.model else ""),
            _row(
                "Provider",
                provider_label(clip.provider) + (" — draft" if clip.is_draft else "")
                if clip.provider
                else "Imported",
            ),
            _row("Workflow", clip.workflow),
            _row("Duration", f"{clip.duration:.2f} s" if clip.duration else ""),
            _row("Size", f"{clip.width}×{clip.height}" if clip.width else ""),
            _row("Frame rate", f"{clip.fps:g} fps" if clip.fps else ""),
            _row("Audio", "yes" if clip.has_audio else "no"),
            _row("File size", format_size(clip.size_bytes)),
            _row("Cost", _cost(clip)),
            _row("Requested duration", req.get("duration")),
            _row("Requested size", f"{req['width']}×{req['height']}" if req.get("width") else ""),
            _row("CFG scale", req.get("cfg_scale")),
            _row("Sound", _yes_no(req.get("sound"))),
            _row("Shots", " | ".join(f"{s['prompt']} ({s['duration']:g} s)" for s in req.get("shots", []))),
            _row("Settings", ", ".join(f"{k}={v}" for k, v in (req.get("settings") or {}).items())),
            _row(
                "Inputs",
                ", ".join(f"{k}: {', '.join(x.display_name for x in v)}" for k, v in clip.inputs.items()),
            ),
            _row("Job", clip.job_id),
            _row("Task id", clip.task_id),
            _row("Remote id", clip.remote_id),
            _row("Created", _when(clip.created_at)),
            _row("Submitted", _when(clip.timings.submitted)),
            _row("Finished", _when(clip.timings.finished)),
            _row("Tags", clip.tags),
            _row("Derived from", clip.parent_id),
            _row("File", clip.path),
        ]
        title = html.escape(clip.title or Path(clip.path).name)
        ids = "<p><a href='copy:ids'>Copy ids (model, job, task) for support</a></p>" if clip.model else ""
        self.setHtml(f"<h3>{title}</h3><table>{''.join(rows)}</table>{ids}")


def _cost(clip: Clip) -> str:
    """What it cost: the provider's figure when known, else the estimate before sending."""
    if clip.is_draft or clip.provider == "local":
        return "free (draft)"
    if clip.cost is not None:
        return money(clip.cost, clip.provider)
    guess = estimate(clip.request, clip.provider) if clip.request is not None else None
    return f"{money(guess, clip.provider, estimated=True)} (estimate)" if guess is not None else ""


def _yes_no(value: object) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _when(iso: str | None) -> str | None:
    """A moment as people read it, in local time: "23 Nov 2026, 14:05:09"."""
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d %b %Y, %H:%M:%S")
    except ValueError:
        return iso
