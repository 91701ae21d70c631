"""Call-out audio for the boards: the hall's template filled for one call, rendered once.

The board asks `/display/voice/<hall>/<window>/<number>.wav`; the phrase comes from the hall's
policy (template, repeats), so every board of a hall says the same thing. A hit is served
straight from the cache folder; a miss is rendered by the co-process (`display.voice.worker`),
never on the server's event loop. When a ticket is called the server starts rendering at once
(`prepare`), so the board's request is usually a hit.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from display.voice.cache import VoiceCache
from display.voice.text import compose_announcement
from display.voice.worker import RenderWorker, load_engine

log = logging.getLogger(__name__)
TICKET_NUMBER = re.compile(r"^([A-Z]{1,2})([0-9]{1,6})$")
ANNOUNCED = ("ticket.called", "ticket.recalled")


@dataclass(frozen=True)
class Phrase:
    """What to say for one call, and how often."""

    speech: str
    display: str
    repeat: int


def phrase_for(
    template: str, number: str, window: int, window_name: str, service: str, repeat: int
) -> Phrase:
    """Fill the hall's template; `{window_name}` is a hall-config field the voice package does
    not know, so it is put in first (braces in the name are escaped)."""
    safe_name = window_name.replace("{", "{{").replace("}", "}}")
    filled = template.replace("{window_name}", safe_name)
    announcement = compose_announcement(filled, number, window, service)
    return Phrase(announcement.speech, announcement.display, repeat)


def hall_phrase(
    hall: Any, window: int, number: str, window_name: str | None = None
) -> Phrase | None:
    """The phrase for `number` called to `window` of a hall; None when the window does not
    exist or the number's prefix is none of the hall's services. `window_name` comes from
    the hall's live layout (a window a manager added has no entry in the configuration);
    without it the window is looked up in the configuration."""
    if window_name is None:
        win = next((w for w in hall.windows if w.number == window), None)
        window_name = win.name if win is not None else None
    match = TICKET_NUMBER.match(number)
    service = next((s for s in hall.services if match and s.prefix == match[1]), None)
    if window_name is None or service is None:
        return None
    policy = hall.policy
    return phrase_for(
        policy.announcement_template,
        number,
        window,
        window_name,
        service.name,
        policy.announce_repeat,
    )


class Callouts:
    """Cache lookups in the server process, rendering in the co-process."""

    def __init__(
        self,
        directory: Path,
        spawn: Callable[..., Any] | None = None,
        engine: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.cache = VoiceCache(self.directory, load_engine(engine))
        self.worker = RenderWorker(self.directory, engine=engine)
        self._spawn = spawn
        self._pending: dict[str, threading.Event] = {}
        self._guard = threading.Lock()
        self._halls: set[str] = set()

    def wav(self, phrase: Phrase) -> Path:
        """The WAV file of `phrase`, rendering it if needed (blocks only the caller)."""
        key = self.cache.key(phrase.speech, phrase.repeat, True)
        path = self.directory / f"{key}.wav"
        if path.exists():
            return path
        with self._guard:
            waiting = self._pending.get(key)
            if waiting is None:
                self._pending[key] = threading.Event()
        if waiting is not None:  # someone renders it right now: wait for that
            waiting.wait(30)
            if path.exists():
                return path
        try:
            return self.worker.render(phrase.speech, phrase.repeat, True)
        finally:
            if waiting is None:
                with self._guard:
                    self._pending.pop(key).set()

    def heard(self, hall: str) -> None:
        """A board of `hall` plays call-outs from this server: pre-render its calls from now on
        (a server without audio boards, such as a test, never starts the render process)."""
        self._halls.add(hall)

    def prepare(self, hall: str, phrase: Phrase) -> None:
        """Render in the background so the audio board's request finds the file."""
        if self._spawn is None or hall not in self._halls:
            return
        self._spawn(self._prepare, phrase)

    def _prepare(self, phrase: Phrase) -> None:
        try:
            self.wav(phrase)
        except Exception:  # the board's own request will report it
            log.exception("pre-rendering a call-out failed")

    def close(self) -> None:
        self.worker.close()


class Call(NamedTuple):
    """One call or recall to announce; `window_name` as the event carries it (live layout)."""

    hall: str
    window: int
    number: str
    window_name: str | None


def calls_in(events: Iterable[Any]) -> list[Call]:
    """Every call or recall in a batch of domain events."""
    out = []
    for event in events:
        if event.name not in ANNOUNCED:
            continue
        ticket = event.payload.get("ticket") or {}
        window = event.payload.get("window") or {}
        if ticket.get("number") and window.get("number") is not None:
            name = window.get("name")
            out.append(
                Call(
                    event.hall,
                    int(window["number"]),
                    str(ticket["number"]),
                    str(name) if name is not None else None,
                )
            )
    return out


def called_windows(events: Iterable[Any]) -> list[tuple[str, int, str]]:
    """(hall, window, number) of every call or recall in a batch of domain events."""
    return [(c.hall, c.window, c.number) for c in calls_in(events)]
