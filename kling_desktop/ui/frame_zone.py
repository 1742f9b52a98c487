"""An image drop zone: drop files or browser images/URLs, paste, or browse. Checks the image off the GUI
thread against the model's limits and explains any problem in words."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import cast
from urllib.parse import urlparse

import httpx
from PySide6.QtCore import QMimeData, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kling_desktop.catalog.spec import ImageRequirement
from kling_desktop.core.images import ImageError, ImageInfo, check_image, inspect_image
from kling_desktop.ui.workers import run_in_thread

MAX_URL_BYTES = 50 * 1024 * 1024
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".mkv")
PREVIEW = QSize(
    200, 112
)  # the thumbnail; the zone itself may be narrower (two zones side by side, narrow pane)
PREVIEW_MIN = QSize(140, 112)
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp *.gif *.tif *.tiff)"


def fetch_image_url(url: str, folder: Path) -> Path:
    """Download an image a browser dropped (http/https only, size-capped) into ``folder``. Runs off-thread."""
    if urlparse(url).scheme not in ("http", "https"):
        raise ImageError(f"{url}: only http and https addresses can be dropped.")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (hashlib.sha256(url.encode()).hexdigest()[:20] + ".img")
    try:
        with httpx.stream("GET", url, timeout=20, follow_redirects=True) as resp:
            resp.raise_for_status()
            data = bytearray()
            for chunk in resp.iter_bytes():
                data += chunk
                if len(data) > MAX_URL_BYTES:
                    raise ImageError(f"{url}: the image is larger than 50 MB.")
    except httpx.HTTPError as exc:
        raise ImageError(f"The dropped address could not be downloaded ({type(exc).__name__}).") from None
    target.write_bytes(bytes(data))
    return target


def save_clip_frame(clip: str, which: str, folder: Path) -> Path:
    """The first or last frame of a video as a PNG in ``folder`` (named by clip and frame). Runs off-thread."""
    from kling_desktop.core.probe import extract_frame

    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(
        f"{Path(clip).resolve()}:{Path(clip).stat().st_mtime_ns}:{which}".encode()
    ).hexdigest()
    target = folder / f"{Path(clip).stem}-{which}-{key[:10]}.png"
    if not target.exists():
        extract_frame(clip, "first" if which == "first" else "last").convert("RGB").save(target, "PNG")
    return target


def _check(
    path: str, requirement: ImageRequirement | None, max_mb: float | None
) -> tuple[ImageInfo, list[str], QImage]:
    info = inspect_image(path)
    problems = [p.message.split(": ", 1)[-1] for p in check_image(info, requirement)]
    if max_mb and info.megabytes > max_mb:
        problems.append(f"{info.path.name} is {info.megabytes:.1f} MB; the limit is {max_mb:g} MB.")
    image = QImage(path)
    if not image.isNull():
        image = image.scaled(
            PREVIEW, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return info, problems, image


class ImageDropZone(QFrame):
    changed = Signal()

    def __init__(self, title: str, cache_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="dropzone")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.cache_dir = cache_dir
        self.requirement: ImageRequirement | None = None
        self.max_mb: float | None = None
        self._path: str | None = None
        self._problem: str | None = None
        self._source = ""  # where the image came from, said under it ("Last frame of clip.mp4")
        self.clip_frame = "last"  # which frame of a dropped clip this zone takes: "first" or "last"
        self.busy = False
        self._generation = 0
        self.title_text = title
        self.title = QLabel(f"<b>{title}</b>", wordWrap=True)
        self.preview = QLabel(
            "Drop an image here,\npaste (Ctrl+V) or browse", alignment=Qt.AlignmentFlag.AlignCenter
        )
        self.preview.setMinimumSize(PREVIEW_MIN)
        self.preview.setObjectName("hint")
        self.info = QLabel(objectName="hint", wordWrap=True)
        self.browse_button = QPushButton("Browse…")
        self.paste_button = QPushButton("Paste")
        self.clear_button = QPushButton("Clear")
        buttons = QHBoxLayout()
        for b in (self.browse_button, self.paste_button, self.clear_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        buttons.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.info)
        layout.addLayout(buttons)
        self.browse_button.clicked.connect(self.browse)
        self.paste_button.clicked.connect(self.paste)
        self.clear_button.clicked.connect(lambda: self.set_path(None))
        QShortcut(QKeySequence.StandardKey.Paste, self, self.paste, context=Qt.ShortcutContext.WidgetShortcut)
        self._show_empty()

    # ---- state ------------------------------------------------------------------------------------------
    def path(self) -> str | None:
        return self._path

    def problem(self) -> str | None:
        return self._problem

    def set_title(self, title: str) -> None:
        self.title_text = title
        self.title.setText(f"<b>{title}</b>")

    def set_unused(self, note: str | None) -> None:
        """Greyed with a note while the model or mode does not use the image it holds."""
        self.setEnabled(note is None)
        self.title.setText(f"<b>{self.title_text}</b>" + (f" — {note}" if note else ""))

    def set_requirement(self, requirement: ImageRequirement | None, max_mb: float | None = None) -> None:
        self.requirement, self.max_mb = requirement, max_mb
        if self._path:
            self.set_path(self._path)

    def note_source(self, text: str) -> None:
        self._source = text
        if self._path and not self.busy:
            self.info.setText(self.info.text() + f"\n{text}")

    def set_path(self, path: str | None, source: str = "") -> None:
        self._generation += 1
        self._source = source
        self._path, self._problem = path, None
        if not path:
            self._show_empty()
            self.changed.emit()
            return
        self.busy = True
        self.info.setText("Checking…")
        gen, req, max_mb = self._generation, self.requirement, self.max_mb
        run_in_thread(lambda: _check(path, req, max_mb), lambda r, e: self._checked(gen, r, e), self)
        self.changed.emit()

    def _checked(self, generation: int, result: object, error: Exception | None) -> None:
        if generation != self._generation:
            return  # a newer image replaced this one
        self.busy = False
        if error is not None:
            self._problem = (
                str(error) if isinstance(error, ImageError) else f"Could not read the image: {error}"
            )
            self.preview.setPixmap(QPixmap())
            self.preview.setText("✕")
            self.info.setText(self._problem)
            self._set_prop("invalid", True)
        else:
            info, problems, image = cast("tuple[ImageInfo, list[str], QImage]", result)
            self.preview.setPixmap(QPixmap.fromImage(image))
            text = info.describe() + (f"\n{self._source}" if self._source else "")
            if problems:
                self._problem = " ".join(problems)
                text += "\n" + self._problem
            self.info.setText(text)
            self.info.setObjectName("error" if problems else "hint")
            self._set_prop("invalid", bool(problems))
        self.info.style().polish(self.info)
        self.changed.emit()

    def _show_empty(self) -> None:
        self.busy = False
        self.preview.setPixmap(QPixmap())
        self.preview.setText("Drop an image here,\npaste (Ctrl+V) or browse")
        self.info.setText("")
        self._set_prop("invalid", False)

    def _set_prop(self, name: str, value: bool) -> None:
        self.setProperty(name, value)
        self.style().unpolish(self)
        self.style().polish(self)

    # ---- input ------------------------------------------------------------------------------------------
    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose an image", "", IMAGE_FILTER)
        if path:
            self.set_path(path)

    def paste(self) -> None:
        self.accept_mime(QGuiApplication.clipboard().mimeData())

    def accept_mime(self, mime: QMimeData | None) -> bool:
        """Files, http(s) image URLs, or raw image data (from a browser or the clipboard)."""
        if mime is None:
            return False
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(VIDEO_SUFFIXES):
                self.take_clip_frame(url.toLocalFile())
                return True
            if url.isLocalFile():
                self.set_path(url.toLocalFile())
                return True
            if url.scheme() in ("http", "https"):
                self._fetch(url)
                return True
        if mime.hasImage():
            image = mime.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self._save_image(image)
                return True
        text = mime.text().strip() if mime.hasText() else ""
        if text.startswith(("http://", "https://")):
            self._fetch(QUrl(text))
            return True
        if text and Path(text).is_file():
            self.set_path(text)
            return True
        self._reject("That is not an image file, an image or an image address.")
        return False

    def take_clip_frame(self, clip: str) -> None:
        """A clip (from the gallery or the file manager): this zone takes its first or last frame, and says so."""
        self._generation += 1
        gen, which = self._generation, self.clip_frame
        self.busy = True
        self.info.setText(f"Reading the {which} frame of {Path(clip).name}…")
        folder = self.cache_dir / "clip-frames"
        run_in_thread(
            lambda: str(save_clip_frame(clip, which, folder)),
            lambda r, e: self._clip_frame_ready(gen, clip, which, r, e),
            self,
        )

    def _clip_frame_ready(
        self, generation: int, clip: str, which: str, path: object, error: Exception | None
    ) -> None:
        if generation != self._generation:
            return
        if error is not None:
            self.busy = False
            self._reject(f"{Path(clip).name}: its {which} frame could not be read ({error}).")
        else:
            self.set_path(str(path), source=f"The {which} frame of {Path(clip).name}")

    def _fetch(self, url: QUrl) -> None:
        self._generation += 1
        gen = self._generation
        self.busy = True
        self.info.setText(f"Downloading {url.host()}…")
        folder = self.cache_dir / "dropped"
        run_in_thread(
            lambda: str(fetch_image_url(url.toString(), folder)), lambda r, e: self._fetched(gen, r, e), self
        )

    def _fetched(self, generation: int, path: object, error: Exception | None) -> None:
        if generation != self._generation:
            return
        if error is not None:
            self.busy = False
            self._reject(str(error))
        else:
            self.set_path(str(path))

    def _save_image(self, image: QImage) -> None:
        folder = self.cache_dir / "pasted"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"pasted-{abs(image.cacheKey())}.png"
        self.busy = True
        run_in_thread(
            lambda: image.save(str(target), "PNG") and str(target),
            lambda r, e: self.set_path(str(r)) if r else self._reject("The pasted image could not be saved."),
            self,
        )

    def _reject(self, message: str) -> None:
        """A drop or paste that failed. A good image already here stays, and stays valid."""
        self.busy = False
        if self._path and self._problem is None:
            self.info.setText(f"{message}\nKept the image that was here.")
            self.info.setObjectName("hint")
            self.info.style().polish(self.info)
            self.changed.emit()
            return
        self._problem = message
        self.info.setText(message)
        self.info.setObjectName("error")
        self.info.style().polish(self.info)
        self.changed.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage() or mime.hasText():
            event.acceptProposedAction()
            self._set_prop("hover", True)

    def dragLeaveEvent(self, event: object) -> None:  # noqa: N802
        self._set_prop("hover", False)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self._set_prop("hover", False)
        if self.accept_mime(event.mimeData()):
            event.acceptProposedAction()
