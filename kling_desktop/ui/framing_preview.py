"""What you see is what is sent: when the frame's shape differs from the output (or the size is automatic), the
frame is shown as the model will receive it — cropped, fitted with blurred edges, or padded; the artist
chooses. The picture is the very file the upload will use (``normalise_image`` with the same plan)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from kling_desktop.catalog.models import get_model
from kling_desktop.core.framing import FramePlan, Framing, request_frame_plan
from kling_desktop.core.images import inspect_image, normalise_image
from kling_desktop.core.request import GenerationRequest
from kling_desktop.ui.workers import run_in_thread

PREVIEW = QSize(220, 140)


def render_framed(
    req: GenerationRequest, path: str, cache_dir: Path
) -> tuple[FramePlan, Path, QImage] | None:
    """Off the GUI thread: the framed file exactly as it will be uploaded, or None when no framing applies."""
    info = inspect_image(path)
    head = inspect_image(req.first_frame) if req.first_frame and req.first_frame != path else info
    frame_plan = request_frame_plan(req, (info.width, info.height), (head.width, head.height))
    if frame_plan is None:
        return None
    spec = get_model(req.model)
    out = normalise_image(
        path, spec.image_requirement, cache_dir / "normalised", max_mb=spec.input_max_mb, framing=frame_plan
    )
    image = QImage(str(out.path))
    if not image.isNull():  # gone already (the form moved on and its cache was cleared): no preview
        image = image.scaled(
            PREVIEW, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return frame_plan, out.path, image


class FramingPreview(QWidget):
    changed = Signal()  # the artist picked another framing
    ready = Signal()  # a preview finished (or none is needed): the form can re-check Generate

    def __init__(self, cache_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir
        self.title = QLabel(wordWrap=True)
        self.pictures = [
            QLabel(alignment=Qt.AlignmentFlag.AlignCenter) for _ in range(2)
        ]  # first, last frame
        row = QHBoxLayout()
        for picture in self.pictures:
            picture.setMinimumSize(1, PREVIEW.height() // 2)
            row.addWidget(picture)
        self.group = QButtonGroup(self)
        choices = QHBoxLayout()
        self.buttons: dict[Framing, QRadioButton] = {}
        for mode in Framing:
            button = QRadioButton(mode.label)
            self.group.addButton(button)
            self.buttons[mode] = button
            choices.addWidget(button)
        choices.addStretch(1)
        self.buttons[Framing.CROP].setChecked(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addLayout(choices)
        self.group.buttonToggled.connect(self._toggled)
        self.plan: FramePlan | None = None
        self.framed_path: Path | None = None  # the file that will be uploaded (the first framed frame)
        self.framed_paths: list[Path] = []
        self.busy = False
        self._generation = 0
        self._key: tuple[str, str] | None = None
        self.hide()

    def _toggled(self, _button: QRadioButton, on: bool) -> None:
        if on:
            self.changed.emit()

    def mode(self) -> Framing:
        return next(m for m, b in self.buttons.items() if b.isChecked())

    def set_mode(self, mode: Framing | str) -> None:
        self.buttons[Framing(mode)].setChecked(True)

    def update_for(self, req: GenerationRequest, paths: list[str]) -> None:
        """Recompute for this request's frames (cheap when nothing that matters changed)."""
        key = (
            req.model_dump_json(include={"model", "workflow", "width", "height", "framing"}),
            "|".join(paths),
        )
        if key == self._key:
            return
        self._key = key
        self._generation += 1
        if not paths or req.framing is None:
            self._show([])
            return
        gen, cache = self._generation, self.cache_dir
        self.busy = True
        run_in_thread(
            lambda: [(p, render_framed(req, p, cache)) for p in paths],
            lambda r, e: self._done(gen, r, e),
            self,
        )

    def _done(self, generation: int, result: object, error: Exception | None) -> None:
        if generation != self._generation:
            return
        self.busy = False
        self._show([] if error is not None else result)  # type: ignore[arg-type]
        self.ready.emit()

    def _show(self, results: list[tuple[str, tuple[FramePlan, Path, QImage] | None]]) -> None:
        framed = [(name, r) for name, r in results if r is not None]
        self.plan = framed[0][1][0] if framed else None
        self.framed_path = framed[0][1][1] if framed else None
        self.framed_paths = [r[1] for _n, r in framed]
        if not framed:
            self.hide()
            return
        for label in self.pictures:
            label.clear()
            label.hide()
        lines = []
        for index, (path, (frame_plan, _out, image)) in enumerate(framed[: len(self.pictures)]):
            self.pictures[index].setPixmap(QPixmap.fromImage(image))
            self.pictures[index].setToolTip(f"{Path(path).name}: {frame_plan.describe()}")
            self.pictures[index].show()
            lines.append(f"{Path(path).name} is {frame_plan.describe()}")
        w, h = framed[0][1][0].target
        self.title.setText(
            f"<b>As the model receives it</b> ({w}×{h}) — the frame's shape differs from the output: "
            + "; ".join(lines)
            + ". Choose how:"
        )
        self.show()
