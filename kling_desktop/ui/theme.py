"""A calm dark theme: readable contrast, one accent colour, generous spacing."""

from __future__ import annotations

ACCENT = "#f0b14a"
STYLE = f"""
QWidget {{ background: #1d1f24; color: #e6e6e6; font-size: 10pt; }}
QMainWindow::separator {{ background: #2a2d34; width: 2px; }}
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QDoubleSpinBox, QComboBox, QListWidget, QTreeWidget,
QTableView, QListView {{
    background: #25282f; border: 1px solid #363a44; border-radius: 6px; padding: 4px;
    selection-background-color: #4a4030; }}
QPlainTextEdit:focus, QLineEdit:focus, QComboBox:focus, QSpinBox:focus {{ border-color: {ACCENT}; }}
QPushButton {{ background: #2f333c; border: 1px solid #40454f; border-radius: 6px; padding: 5px 12px; }}
QPushButton:hover {{ background: #3a3f4a; }}
QPushButton:disabled {{ color: #777; background: #25282f; }}
QPushButton#primary {{ background: {ACCENT}; color: #1d1f24; font-weight: bold; border: none; padding: 8px 18px; }}
QPushButton#primary:hover {{ background: #f5c36d; }}
QGroupBox {{ border: 1px solid #2f333c; border-radius: 8px; margin-top: 14px; padding: 10px 8px 8px 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #b9b9b9; }}
QCheckBox::indicator {{ width: 15px; height: 15px; border: 1px solid #6a707c; border-radius: 3px;
    background: #25282f; }}
QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
QToolButton {{ background: #2f333c; border: 1px solid #40454f; border-radius: 5px; padding: 3px; }}
QLabel#hint {{ color: #9aa0aa; }}
QLabel#error {{ color: #ff8a7a; }}
QLabel#ok {{ color: #8fd19e; }}
QLabel#badge {{ background: #30343d; border-radius: 4px; padding: 1px 6px; color: #d7d7d7; }}
QLabel#banner {{ background: #2b2a22; border: 1px solid #4d4630; border-radius: 8px; padding: 8px; color: #eadbb5; }}
QFrame#dropzone {{ border: 2px dashed #454a55; border-radius: 10px; background: #22252b; }}
QFrame#dropzone[hover="true"] {{ border-color: {ACCENT}; background: #2a2820; }}
QFrame#dropzone[invalid="true"] {{ border-color: #c8604f; }}
QTabWidget::pane {{ border: 1px solid #2f333c; border-radius: 6px; }}
QTabBar::tab {{ background: #25282f; padding: 6px 14px; border-top-left-radius: 6px; border-top-right-radius: 6px; }}
QTabBar::tab:selected {{ background: #30343d; color: {ACCENT}; }}
QHeaderView::section {{ background: #25282f; border: none; padding: 4px; color: #b9b9b9; }}
QScrollArea {{ border: none; }}
QStatusBar {{ color: #9aa0aa; }}
"""
