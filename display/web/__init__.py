"""Hall boards, window signs and the phone status page, served by the hall server.

`init_display(app, rt, socketio, data_dir)` registers the pages (`display.web.pages.bp`) and the
call-out audio, and pre-renders each call's audio as soon as it is committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from display.web.callouts import Callouts, called_windows, hall_phrase
from display.web.pages import bp

__all__ = ["bp", "init_display"]


def init_display(app: Any, rt: Any, socketio: Any, data_dir: Path) -> Callouts:
    """Register the display blueprint; audio is cached under `<data_dir>/voice`."""
    calls = Callouts(Path(data_dir) / "voice", spawn=socketio.start_background_task)
    app.extensions["onewindow.callouts"] = calls
    app.register_blueprint(bp)

    def prepare(events: Any) -> None:
        for hall, window, number in called_windows(events):
            phrase = hall_phrase(rt.hall(hall), window, number)
            if phrase is not None:
                calls.prepare(hall, phrase)

    rt.store.on_commit(prepare)
    return calls
