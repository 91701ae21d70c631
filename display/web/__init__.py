"""Hall boards, window signs and the phone status page, served by the hall server.

`init_display(app, rt, socketio, data_dir)` registers the pages (`display.web.pages.bp`) and the
call-out audio, and pre-renders each call's audio as soon as it is committed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from display.web.callouts import Callouts, calls_in, hall_phrase
from display.web.pages import bp

__all__ = ["bp", "init_display"]


def init_display(
    app: Any, rt: Any, socketio: Any, data_dir: Path, voice_engine: str | None = None
) -> Callouts:
    """Register the display blueprint; audio is cached under `<data_dir>/voice`. The speech
    engine is espeak-ng unless `voice_engine` (or ONEWINDOW_VOICE_ENGINE) names another,
    "package.module:Class" (see display/voice/README.md)."""
    engine = voice_engine or os.environ.get("ONEWINDOW_VOICE_ENGINE") or None
    calls = Callouts(Path(data_dir) / "voice", spawn=socketio.start_background_task, engine=engine)
    app.extensions["onewindow.callouts"] = calls
    app.register_blueprint(bp)

    def prepare(events: Any) -> None:
        for call in calls_in(events):
            phrase = hall_phrase(rt.hall(call.hall), call.window, call.number, call.window_name)
            if phrase is not None:
                calls.prepare(call.hall, phrase)

    rt.store.on_commit(prepare)
    return calls
