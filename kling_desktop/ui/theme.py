"""Light and dark themes. "System" follows the desktop's colour scheme (and changes with it); a setting can
force either. One accent colour, readable contrast, themed tooltips; the palette carries the colours so
custom-painted widgets (scrubber, tiles) follow the theme too."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

ACCENT = "#f0b14a"
CHOICES = (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark"))


@dataclass(frozen=True)
class Colours:
    window: str
    base: str
    raised: str
    border: str
    text: str
    muted: str
    error: str
    ok: str
    banner_bg: str
    banner_border: str
    banner_text: str
    selection: str
    accent_text: str


DARK = Colours(
    "#1d1f24", "#25282f", "#2f333c", "#40454f", "#e6e6e6", "#9aa0aa", "#ff8a7a", "#8fd19e",
    "#2b2a22", "#4d4630", "#eadbb5", "#4a4030", "#1d1f24",
)  # fmt: skip
LIGHT = Colours(
    "#f4f4f2", "#ffffff", "#e9e9e6", "#c5c7cc", "#1d1f24", "#5b616b", "#b3261e", "#1e7b3c",
    "#fbf3df", "#e2cf9c", "#4a3b12", "#f6ddb0", "#1d1f24",
)  # fmt: skip


def is_dark(choice: str) -> bool:
    if choice in ("light", "dark"):
        return choice == "dark"
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Unknown:  # no desktop preference: read the palette the platform gives
        return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return scheme == Qt.ColorScheme.Dark


def palette(c: Colours) -> QPalette:
    p = QPalette()
    R = QPalette.ColorRole
    for role, value in (
        (R.Window, c.window),
        (R.WindowText, c.text),
        (R.Base, c.base),
        (R.AlternateBase, c.raised),
        (R.Text, c.text),
        (R.Button, c.raised),
        (R.ButtonText, c.text),
        (R.ToolTipBase, c.raised),
        (R.ToolTipText, c.text),
        (R.PlaceholderText, c.muted),
        (R.Highlight, ACCENT),
        (R.HighlightedText, c.accent_text),
        (R.BrightText, "#ffffff"),
        (R.Mid, c.border),
        (R.Link, ACCENT),
    ):
        p.setColor(role, QColor(value))
    p.setColor(QPalette.ColorGroup.Disabled, R.Text, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, R.ButtonText, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, R.WindowText, QColor(c.muted))
    return p


def stylesheet(c: Colours) -> str:
    return f"""
QWidget {{ background: {c.window}; color: {c.text}; font-size: 10pt; }}
QMainWindow::separator, QSplitter::handle {{ background: {c.raised}; }}
QSplitter::handle:horizontal {{ width: 4px; }}
QSplitter::handle:vertical {{ height: 4px; }}
QLineEdit, QPlainTextEdit, QTextEdit, QTextBrowser, QSpinBox, QDoubleSpinBox, QComboBox, QListWidget,
QTreeWidget, QTableView, QListView {{
    background: {c.base}; border: 1px solid {c.border}; border-radius: 6px; padding: 3px;
    selection-background-color: {c.selection}; selection-color: {c.text}; }}
QPlainTextEdit:focus, QLineEdit:focus, QComboBox:focus, QSpinBox:focus {{ border-color: {ACCENT}; }}
QPushButton {{ background: {c.raised}; border: 1px solid {c.border}; border-radius: 6px; padding: 4px 10px; }}
QPushButton:hover, QToolButton:hover {{ border-color: {ACCENT}; }}
QPushButton:disabled, QToolButton:disabled {{ color: {c.muted}; background: {c.base}; }}
QPushButton#primary {{ background: {ACCENT}; color: #1d1f24; font-weight: bold; border: none; padding: 8px 18px; }}
QPushButton#primary:hover {{ background: #f5c36d; }}
QPushButton#primary:disabled {{ background: {c.raised}; color: {c.muted}; }}
QGroupBox {{ border: 1px solid {c.raised}; border-radius: 8px; margin-top: 14px; padding: 10px 6px 6px 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {c.muted}; }}
QCheckBox::indicator {{ width: 15px; height: 15px; border: 1px solid {c.muted}; border-radius: 3px;
    background: {c.base}; }}
QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
QToolButton {{ background: {c.raised}; border: 1px solid {c.border}; border-radius: 5px; padding: 3px 6px; }}
QToolButton:checked {{ background: {c.selection}; border-color: {ACCENT}; }}
QToolTip {{ background: {c.raised}; color: {c.text}; border: 1px solid {c.border}; border-radius: 4px;
    padding: 4px; }}
QLabel#hint {{ color: {c.muted}; }}
QLabel#error {{ color: {c.error}; }}
QLabel#ok {{ color: {c.ok}; }}
QLabel#timecode {{ font-family: monospace; }}
QLabel#badge {{ background: {c.raised}; border-radius: 4px; padding: 1px 6px; color: {c.text}; }}
QLabel#banner {{ background: {c.banner_bg}; border: 1px solid {c.banner_border}; border-radius: 8px; padding: 8px;
    color: {c.banner_text}; }}
QLabel#notice {{ background: {c.banner_bg}; border: 1px solid {c.error}; border-radius: 6px; padding: 6px;
    color: {c.text}; }}
QFrame#dropzone {{ border: 2px dashed {c.border}; border-radius: 10px; background: {c.base}; }}
QFrame#dropzone[hover="true"] {{ border-color: {ACCENT}; }}
QFrame#dropzone[invalid="true"] {{ border-color: {c.error}; }}
QTabWidget::pane {{ border: 1px solid {c.raised}; border-radius: 6px; }}
QTabBar::tab {{ background: {c.base}; padding: 5px 12px; border-top-left-radius: 6px; border-top-right-radius: 6px; }}
QTabBar::tab:selected {{ background: {c.raised}; color: {c.text}; border-bottom: 2px solid {ACCENT}; }}
QHeaderView::section {{ background: {c.base}; border: none; padding: 4px; color: {c.muted}; }}
QScrollArea {{ border: none; }}
QStatusBar {{ color: {c.muted}; }}
QMenu {{ background: {c.base}; border: 1px solid {c.border}; }}
QMenu::item:selected {{ background: {c.selection}; }}
"""


def colours(choice: str) -> Colours:
    return DARK if is_dark(choice) else LIGHT


def apply_theme(app: QApplication, choice: str = "system") -> Colours:
    """Apply the light or dark theme (``choice``: "system", "light" or "dark"); returns the colours used."""
    c = colours(choice)
    pal = palette(c)
    app.setPalette(pal)
    QToolTip.setPalette(pal)
    app.setStyleSheet(stylesheet(c))
    return c


# The dark stylesheet, for callers that only need a string.
STYLE = stylesheet(DARK)
