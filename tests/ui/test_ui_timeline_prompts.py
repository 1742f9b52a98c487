"""Shot prompts in the timeline show their beginning, not their tail, and the whole prompt as a tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from kling_desktop.core.request import Shot
from kling_desktop.ui.timeline import ShotTimeline

LONG = "A paper lantern drifts over the harbour at dusk, " * 6 + "and the camera pulls back to the END"


def test_long_shot_prompt_shows_its_start(qtbot) -> None:
    tl = ShotTimeline()
    qtbot.addWidget(tl)
    tl.resize(420, 200)
    tl.set_shots([Shot(prompt=LONG, duration=3), Shot(prompt="short", duration=2)])
    tl.show()
    qtbot.waitExposed(tl)
    edits = [w for w in tl.findChildren(QLineEdit) if w.text() in (LONG, "short")]
    long_edit = next(w for w in edits if w.text() == LONG)
    # the visible text starts at the first character: the cursor (which the view follows) is at 0
    assert long_edit.cursorPosition() == 0
    assert long_edit.toolTip() == LONG
    long_edit.setFocus()
    long_edit.end(False)
    long_edit.editingFinished.emit()
    assert long_edit.cursorPosition() == 0
