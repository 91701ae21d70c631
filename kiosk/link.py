"""The kiosk's live link to the hall server: staff reprint requests arrive here.

A Socket.IO client in the hall's room (device token). When a manager asks this kiosk to
print a ticket again (`kiosk.reprint` naming this device), the flow prints it. The client
reconnects on its own with a growing pause; the link is optional (the kiosk issues and
prints without it), so a missing client library only disables staff reprints.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from drivers.backoff import Backoff

log = logging.getLogger(__name__)


class HallLink:
    def __init__(
        self,
        url: str,
        token: str,
        hall: str,
        device: Callable[[], str | None],
        on_reprint: Callable[[dict[str, Any], str | None], None],
        on_state: Callable[[bool], None],
    ) -> None:
        self.url = url
        self.token = token
        self.hall = hall
        self.device = device
        self.on_reprint = on_reprint
        self.on_state = on_state
        self._client: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        try:
            import socketio
        except ImportError:  # pragma: no cover - the client extra is missing
            log.warning("python-socketio client missing: staff reprint requests are off")
            return
        client = socketio.Client(
            reconnection=True, reconnection_delay=1, reconnection_delay_max=30, logger=False
        )
        client.on("connect", lambda: self.on_state(True))
        client.on("disconnect", self._on_disconnect)
        client.on("kiosk.reprint", self._reprint)
        self._client = client
        self._start_connecting()

    def _start_connecting(self) -> None:
        self._thread = threading.Thread(target=self._connect, name="kiosk-link", daemon=True)
        self._thread.start()

    def _on_disconnect(self, reason: Any = None) -> None:
        self.on_state(False)
        if reason == self._client.reason.SERVER_DISCONNECT and not self._stop.is_set():
            # The server let go (this kiosk's token was revoked): the client does not come
            # back by itself; connecting again logs the refusal until the token is replaced.
            log.warning("the hall server closed the live link: connecting again")
            self._start_connecting()

    def _connect(self) -> None:
        """A connection is retried here; once up, the client reconnects by itself after a
        network loss (not after the server closed it: see _on_disconnect)."""
        backoff = Backoff(1.0, 30.0)
        while not self._stop.is_set():
            try:
                self._client.connect(
                    self.url,
                    auth={"token": self.token, "hall": self.hall},
                    transports=["websocket"],
                    wait_timeout=10,
                )
                return
            except Exception as exc:  # socketio.exceptions.ConnectionError and friends
                delay = backoff.next()
                log.info("hall link: %s; retrying in %.0f s", exc, delay)
                self._stop.wait(delay)

    def _reprint(self, data: dict[str, Any]) -> None:
        me = self.device()
        if not isinstance(data, dict) or me is None or data.get("device") != me:
            return
        ticket = data.get("ticket")
        if isinstance(ticket, dict) and ticket.get("id"):
            log.info("staff reprint of %s requested by %s", ticket.get("number"), data.get("by"))
            self.on_reprint(ticket, data.get("by"))

    def stop(self) -> None:
        self._stop.set()
        if self._client is not None:
            try:
                self._client.disconnect()
            except Exception:  # already gone
                pass
        if self._thread is not None:
            self._thread.join(5)
