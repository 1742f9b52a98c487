"""Paints one gallery tile: thumbnail (or the hover-scrub frame), duration, model badge, star, draft mark."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from kling_desktop.library.records import Clip
from kling_desktop.library.spend import money
from kling_desktop.library.thumbs import SCRUB_FRAMES
from kling_desktop.ui.gallery_model import CLIP_ROLE
from kling_desktop.ui.names import model_label

TILE = QSize(236, 170)
THUMB_H = 124


class GalleryDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hover_row = -1
        self.hover_fraction = 0.0
        self.hover_strip: QPixmap | None = None

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        return TILE

    def paint(
        self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        clip: Clip | None = index.data(CLIP_ROLE)
        if clip is None:
            return
        r = option.rect.adjusted(6, 6, -6, -6)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = option.palette
        p.setPen(pal.color(QPalette.ColorRole.Highlight) if selected else pal.color(QPalette.ColorRole.Mid))
        p.setBrush(pal.color(QPalette.ColorRole.AlternateBase if selected else QPalette.ColorRole.Base))
        p.drawRoundedRect(r, 8, 8)
        thumb_rect = QRect(r.left() + 4, r.top() + 4, r.width() - 8, THUMB_H)
        pix = index.data(Qt.ItemDataRole.DecorationRole)
        if index.row() == self.hover_row and self.hover_strip is not None and not self.hover_strip.isNull():
            frame_w = self.hover_strip.width() // SCRUB_FRAMES
            k = min(SCRUB_FRAMES - 1, int(self.hover_fraction * SCRUB_FRAMES))
            p.drawPixmap(
                thumb_rect, self.hover_strip, QRect(k * frame_w, 0, frame_w, self.hover_strip.height())
            )
            p.fillRect(
                QRect(
                    thumb_rect.left(),
                    thumb_rect.bottom() - 3,
                    int(thumb_rect.width() * self.hover_fraction),
                    3,
                ),
                QColor("#f0b14a"),
            )
        elif isinstance(pix, QPixmap) and not pix.isNull():
            # Scaled to the screen's device pixels, not to logical ones: sharp at 200 %.
            dpr = p.device().devicePixelRatioF() if p.device() is not None else 1.0
            scaled = pix.scaled(
                thumb_rect.size() * dpr,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            scaled.setDevicePixelRatio(dpr)
            w, h = round(scaled.width() / dpr), round(scaled.height() / dpr)
            p.drawPixmap(
                thumb_rect.left() + (thumb_rect.width() - w) // 2,
                thumb_rect.top() + (thumb_rect.height() - h) // 2,
                scaled,
            )
        else:
            p.fillRect(thumb_rect, QColor("#1b1d21"))
            p.setPen(QColor("#666"))
            p.drawText(thumb_rect, Qt.AlignmentFlag.AlignCenter, "…")
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1.5))
        p.setFont(small)
        if clip.duration:
            self._pill(
                p, thumb_rect.right() - 52, thumb_rect.bottom() - 22, f"{clip.duration:4.1f}s", "#000000c0"
            )
        if clip.is_draft:
            self._pill(p, thumb_rect.left() + 4, thumb_rect.top() + 4, "DRAFT", "#f0b14a", "#1d1f24")
        elif clip.source == "generated":
            self._pill(p, thumb_rect.left() + 4, thumb_rect.top() + 4, "CLOUD", "#5b7db1")
        if clip.favourite:
            p.setPen(QColor("#f0b14a"))
            p.drawText(
                QRect(thumb_rect.right() - 22, thumb_rect.top() + 2, 20, 20),
                Qt.AlignmentFlag.AlignCenter,
                "★",
            )
        p.setPen(pal.color(QPalette.ColorRole.Text))
        title_rect = QRect(r.left() + 8, thumb_rect.bottom() + 4, r.width() - 16, 18)
        p.setFont(option.font)
        p.drawText(
            title_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            p.fontMetrics().elidedText(
                clip.title or "Untitled", Qt.TextElideMode.ElideRight, title_rect.width()
            ),
        )
        p.setFont(small)
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        sub = QRect(r.left() + 8, title_rect.bottom() + 1, r.width() - 16, 16)
        p.drawText(
            sub,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            p.fontMetrics().elidedText(_subtitle(clip), Qt.TextElideMode.ElideRight, sub.width()),
        )
        p.restore()

    @staticmethod
    def _pill(p: QPainter, x: int, y: int, text: str, bg: str, fg: str = "#ffffff") -> None:
        w = p.fontMetrics().horizontalAdvance(text) + 10
        rect = QRect(x, y, w, 18)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(bg))
        p.drawRoundedRect(rect, 4, 4)
        p.setPen(QColor(fg))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _subtitle(clip: Clip) -> str:
    """The model's name and what the clip cost ("free (draft)" for drafts)."""
    name = model_label(clip.model) if clip.model else "Imported"
    cost = "free draft" if clip.is_draft else money(clip.cost, clip.provider)
    return f"{name} · {cost}" if cost else name
