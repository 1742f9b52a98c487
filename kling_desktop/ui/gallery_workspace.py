"""The gallery workspace: search and filters, the grid, the details pane and the player, and the actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kling_desktop.core.probe import extract_frame
from kling_desktop.library.records import Clip, ClipFilter
from kling_desktop.library.store import LibraryStore
from kling_desktop.ui.details_pane import DetailsPane
from kling_desktop.ui.gallery_model import CLIP_ROLE, GalleryModel
from kling_desktop.ui.gallery_view import GalleryView
from kling_desktop.ui.names import model_label, provider_name
from kling_desktop.ui.player import Player
from kling_desktop.ui.workers import report, run_in_thread, run_op

DATES = (("Any date", None), ("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30))
SORTS = (("Newest first", "newest"), ("Oldest first", "oldest"), ("Name", "name"), ("Longest", "duration"))
EMPTY = (
    "<h2>Nothing here yet</h2><p>Drop an image on <b>First frame</b> to animate it, or write a prompt and "
    "press <b>Generate</b>.</p><p style='color:#9aa0aa'>Drafts render on this computer for free and are marked "
    "DRAFT. When one looks right, run it on a cloud provider (Settings → Providers) for the real thing.</p>"
)


class GalleryWorkspace(QWidget):
    remix_requested = Signal(object)  # request dict
    continue_requested = Signal(str)  # PNG path of the last frame
    animate_requested = Signal(str)  # image path
    rerender_requested = Signal(str)  # clip id
    clip_selected = Signal(object)  # Clip | None

    def __init__(
        self,
        store: LibraryStore,
        thumb_dir: Path,
        frames_dir: Path,
        parent: QWidget | None = None,
        viewer: Player | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.frames_dir = store, frames_dir
        self.model = GalleryModel(store, thumb_dir, parent=self)
        self.search = QLineEdit(placeholderText="Search prompts, names, models, tags…")
        self.search.setMinimumWidth(140)
        self.search.setClearButtonEnabled(True)
        self.model_filter, self.provider_filter, self.kind_filter = QComboBox(), QComboBox(), QComboBox()
        self.date_filter, self.sort = QComboBox(), QComboBox()
        self.favourites = QCheckBox("★ only")
        for combo in (self.model_filter, self.provider_filter, self.kind_filter, self.date_filter, self.sort):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        for label, value in DATES:
            self.date_filter.addItem(label, value)
        for sort_label, sort_value in SORTS:
            self.sort.addItem(sort_label, sort_value)
        self.kind_filter.addItem("Videos and images", "")
        self.kind_filter.addItem("Videos", "video")
        self.kind_filter.addItem("Images", "image")
        bar = QHBoxLayout()  # two rows, so nothing is squeezed at 1280 px
        bar.addWidget(self.search, 1)
        bar.addWidget(self.favourites)
        bar.addWidget(self.sort)
        bar2 = QHBoxLayout()
        for w in (self.model_filter, self.provider_filter, self.kind_filter, self.date_filter):
            bar2.addWidget(w, 1)
        self.view = GalleryView(self.model)
        self.empty = QLabel(EMPTY, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True, objectName="banner")
        self.grid_stack = QStackedWidget()
        self.grid_stack.addWidget(self.view)
        self.grid_stack.addWidget(self.empty)
        self.details = DetailsPane()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.grid_stack)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([560, 300])
        split.setChildrenCollapsible(False)
        self.split = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(bar2)
        layout.addWidget(split, 1)
        if viewer is None:  # on its own (tests, embedding): the workspace shows clips in its own viewer
            viewer = Player(frames_dir)
            split.insertWidget(1, viewer)
        self.player = viewer
        self.search.textChanged.connect(self.apply_filters)
        for combo in (self.model_filter, self.provider_filter, self.kind_filter, self.date_filter, self.sort):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.favourites.toggled.connect(self.apply_filters)
        self.view.selectionModel().currentChanged.connect(
            lambda cur, _prev: self._selected(cur.data(CLIP_ROLE))
        )
        self.view.doubleClicked.connect(lambda idx: self.play(idx.data(CLIP_ROLE)))
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.model.loaded.connect(self._loaded)
        self.deleting = False
        self._add_shortcuts()
        self.refresh()

    # ---- data -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        run_in_thread(
            lambda: (self.store.distinct("model"), self.store.distinct("provider")), self._facets, self
        )
        self.apply_filters()

    def _facets(self, result: object, error: Exception | None) -> None:
        if error is not None:
            report(f"The gallery's filters could not be read: {error}", error)
            return
        models, providers = cast("tuple[list[str], list[str]]", result)
        for combo, values, everything in (
            (self.model_filter, models, "All models"),
            (self.provider_filter, providers, "All providers"),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, "")
            for v in values:
                combo.addItem(model_label(v) if combo is self.model_filter else provider_name(v), v)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def current_filter(self) -> ClipFilter:
        days = self.date_filter.currentData()
        since = (datetime.now(UTC) - timedelta(days=days)).isoformat() if days else ""
        return ClipFilter(
            text=self.search.text(),
            model=self.model_filter.currentData() or "",
            provider=self.provider_filter.currentData() or "",
            kind=self.kind_filter.currentData() or "",
            favourites_only=self.favourites.isChecked(),
            since=since,
        )

    def apply_filters(self) -> None:
        self.model.set_query(self.current_filter(), self.sort.currentData() or "newest")

    def _loaded(self) -> None:
        empty = self.model.total == 0 and self.current_filter() == ClipFilter()
        self.grid_stack.setCurrentWidget(self.empty if empty else self.view)

    def add_clip(self, clip: Clip | None = None) -> None:
        """A job landed: show it (the query re-runs off the GUI thread)."""
        self.refresh()

    def selected_clips(self) -> list[Clip]:
        return [i.data(CLIP_ROLE) for i in self.view.selectionModel().selectedIndexes()]

    def _selected(self, clip: Clip | None) -> None:
        self.details.show_clip(clip)
        self.clip_selected.emit(clip)
        if clip is not None:
            self.show_in_viewer(clip, autoplay=False)

    def show_in_viewer(self, clip: Clip, autoplay: bool = False) -> None:
        """Open ``clip`` in the viewer (poster frame at once) with the input frames it was made from."""
        root = self.store.root
        inputs = {}
        for name in ("first_frame", "last_frame"):
            kept = getattr(clip.inputs, name)
            if kept is not None:
                path = Path(kept.path)
                inputs[name] = str(path if path.is_absolute() else root / path)
        self.player.set_inputs(inputs)
        self.player.open(clip.path, clip.fps, autoplay=autoplay)

    def play(self, clip: Clip | None) -> None:
        if clip is not None:
            self.show_in_viewer(clip, autoplay=True)

    # ---- actions ----------------------------------------------------------------------------------------
    def _add_shortcuts(self) -> None:
        from PySide6.QtGui import QShortcut

        for keys, fn in (
            (QKeySequence.StandardKey.Delete, self.delete_selected),
            ("F", self.toggle_favourite),
            ("F2", self.rename),
            ("Ctrl+Shift+C", self.copy_path),
        ):
            QShortcut(QKeySequence(keys), self.view, fn, context=Qt.ShortcutContext.WidgetShortcut)

    def _menu(self, pos: QPoint) -> None:
        clips = self.selected_clips()
        if not clips:
            return
        one = clips[0]
        menu = QMenu(self)
        menu.addAction("Play", lambda: self.play(one))
        if one.kind == "video" and self.player.path and self.player.path != one.path:
            menu.addAction(
                "Compare with the clip in the viewer",
                lambda: self.player.compare_with_clip(one.path, one.title or Path(one.path).name),
            )
        if one.kind == "video":
            menu.addAction("Continue from last frame", lambda: self.continue_from_last_frame(one))
        if one.kind == "image":
            menu.addAction("Animate this", lambda: self.animate_requested.emit(one.path))
        if one.request is not None:
            menu.addAction(
                "Remix (load into the form)", lambda: self.remix_requested.emit(one.remix_request())
            )
            menu.addAction("Re-render as master", lambda: self.rerender_requested.emit(one.id))
        menu.addSeparator()
        menu.addAction("Favourite ★", self.toggle_favourite)
        menu.addAction("Rename…", self.rename)
        menu.addAction("Tags…", self.edit_tags)
        menu.addAction("Reveal in file manager", lambda: self.reveal(one))
        menu.addAction("Copy path", self.copy_path)
        menu.addAction("Export with sidecar…", self.export_selected)
        menu.addSeparator()
        menu.addAction(
            f"Move {len(clips)} to trash…" if len(clips) > 1 else "Move to trash…", self.delete_selected
        )
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def continue_from_last_frame(self, clip: Clip) -> None:
        target = self.frames_dir / f"{clip.id}-last.png"
        self.frames_dir.mkdir(parents=True, exist_ok=True)

        def work() -> str:
            extract_frame(clip.path, "last").save(target, "PNG")
            return str(target)

        def done(path: object, error: Exception | None) -> None:
            if error is None:
                self.continue_requested.emit(path)
            else:
                QMessageBox.warning(
                    self, "Continue from last frame", f"The last frame could not be read: {error}"
                )

        run_in_thread(work, done, self)

    def _update(self, clip_id: str, **changes: object) -> None:
        """Write to the store off the GUI thread; the tile updates when it is saved."""
        run_in_thread(
            lambda: self.store.update(clip_id, **changes),
            lambda clip, e: (
                self.model.replace_clip(clip)
                if e is None
                else report(f"The change to the clip could not be saved: {e}", e)
            ),
            self,
        )

    def toggle_favourite(self) -> None:
        for clip in self.selected_clips():
            self._update(clip.id, favourite=not clip.favourite)

    def rename(self) -> None:
        clips = self.selected_clips()
        if clips:
            text, ok = QInputDialog.getText(self, "Rename", "Title:", text=clips[0].title)
            if ok:
                self._update(clips[0].id, title=text.strip())

    def edit_tags(self) -> None:
        clips = self.selected_clips()
        if clips:
            text, ok = QInputDialog.getText(self, "Tags", "Tags, separated by commas:", text=clips[0].tags)
            if ok:
                for clip in clips:
                    self._update(clip.id, tags=text)

    def reveal(self, clip: Clip) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(clip.path).parent)))

    def copy_path(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(c.path for c in self.selected_clips()))

    def export_selected(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to folder")
        if folder:
            ids = [c.id for c in self.selected_clips()]
            run_op(
                lambda: self.store.export(ids, Path(folder)),
                lambda r: report(f"Exported {len(ids)} clip(s) to {folder}."),
                "Export",
                self,
            )

    def delete_selected(self, confirm: bool = True) -> None:
        clips = self.selected_clips()
        if not clips:
            return
        if (
            confirm
            and QMessageBox.question(
                self, "Move to trash", f"Move {len(clips)} clip(s) and their sidecars to the trash?"
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.player.stop()
        ids = [c.id for c in clips]
        self.model.remove_ids(ids)
        self.details.show_clip(None)
        self.deleting = True

        def deleted(_result: object, error: Exception | None) -> None:
            self.deleting = False
            if error is not None:
                report(f"Moving to the trash failed: {error}", error)
                self.refresh()  # the clips that are still there come back

        run_in_thread(lambda: self.store.delete(ids), deleted, self)
