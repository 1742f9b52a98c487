"""Spend in the window: today's and this month's totals in the status bar, the monthly budget (kept with the
window's settings) and the question asked before a send would pass it. The sums are ``library.spend``'s."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox, QWidget

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.model import Job
from kling_desktop.library import spend


class SpendStatus(QLabel):
    def __init__(self, settings: QSettings, jobs: Callable[[], Iterable[Job]], parent: QWidget | None = None):
        super().__init__(parent, objectName="hint")
        self.settings, self.jobs = settings, jobs

    def budget(self) -> float:
        try:
            return float(self.settings.value("monthly_budget", 0.0))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return 0.0

    def totals(self) -> spend.SpendTotals:
        charges = [
            spend.Charge(j.created_at, j.cost)
            for j in self.jobs()
            if j.cost is not None and j.provider != "local"
        ]
        return spend.totals(charges, datetime.now().astimezone())

    def refresh(self) -> None:
        t, budget = self.totals(), self.budget()
        self.setText(
            f"Spent today ${t.today:.2f} · this month ${t.month:.2f}"
            + (f" of ${budget:.2f}" if budget else "")
        )

    def ask_budget(self, parent: QWidget) -> None:
        value, ok = QInputDialog.getDouble(
            parent,
            "Monthly budget",
            "Ask before a send would pass this much in a month (USD, 0 for no budget):",
            self.budget(),
            0.0,
            100000.0,
            2,
        )
        if ok:
            self.settings.setValue("monthly_budget", value)
            self.refresh()

    def may_send(self, parent: QWidget, request: GenerationRequest, provider: str) -> bool:
        """True unless the send would pass the monthly budget and the artist says no."""
        question = spend.budget_question(
            self.totals().month, spend.estimate(request, provider), self.budget()
        )
        return (
            question is None
            or QMessageBox.question(parent, "Monthly budget", question) == QMessageBox.StandardButton.Yes
        )
