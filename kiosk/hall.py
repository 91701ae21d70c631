"""The hall server as the kiosk sees it: a small JSON client with the kiosk's device token.

Only the calls a kiosk makes. Personal data goes to the server over the hall's network and
comes back masked; nothing here logs a card's data.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from drivers.idcard.card import IdCard
from kiosk.errors import ServerRefused, ServerUnreachable

log = logging.getLogger(__name__)


def card_payload(card: IdCard) -> dict[str, Any]:
    """What the server needs from a card: number, name, birth date and kind (never the photo,
    the address or the fingerprint)."""
    return {
        "id_number": card.id_number,
        "name": card.name,
        "birth_date": card.birth_date.isoformat(),
        "kind": card.kind,
    }


class HallClient:
    """Calls `/api/v1` of one hall server. Thread-safe (one connection per call)."""

    def __init__(self, url: str, token: str, hall: str, timeout_s: float = 5.0) -> None:
        self.base = url.rstrip("/") + "/api/v1"
        self.token = token
        self.hall = hall
        self.timeout_s = timeout_s

    # -- the calls ------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """Who this token belongs to (the kiosk's device name)."""
        return self._call("GET", "/auth/me")[1]

    def hall_info(self) -> dict[str, Any]:
        """This kiosk's hall: code, name, English name."""
        for hall in self._call("GET", "/halls")[1]["halls"]:
            if hall["code"] == self.hall:
                return hall
        raise ServerRefused(
            404, "not_found", f"服务器上没有大厅 {self.hall} / the server has no hall '{self.hall}'"
        )

    def services(self) -> list[dict[str, Any]]:
        """Services with waiting counts, `open_now`, `requires_id` and their domain."""
        return self._call("GET", f"/halls/{_q(self.hall)}/services")[1]["services"]

    def issue(
        self, service: str, card: IdCard | None, idempotency_key: str
    ) -> tuple[dict[str, Any], bool]:
        """Issue a ticket; (ticket view, created). A repeated key returns the first ticket."""
        body: dict[str, Any] = {"service": service, "idempotency_key": idempotency_key}
        if card is not None:
            body["id_card"] = card_payload(card)
        status, ticket = self._call("POST", f"/halls/{_q(self.hall)}/tickets", body)
        return ticket, status == 201

    def find_issued(self, idempotency_key: str) -> dict[str, Any] | None:
        """The ticket an earlier issue request with this key got, or None if it got none."""
        path = f"/halls/{_q(self.hall)}/tickets/by-key/{_q(idempotency_key)}"
        try:
            return self._call("GET", path)[1]
        except ServerRefused as exc:
            if exc.status == 404:
                return None
            raise

    def check_in(self, ref: str, card: IdCard | None = None) -> tuple[dict[str, Any], bool]:
        """Check an appointment in; (ticket view, created). Scanning twice gives one ticket."""
        body = {"id_card": card_payload(card)} if card is not None else {}
        status, ticket = self._call("POST", f"/appointments/{_q(ref)}/check-in", body)
        return ticket, status == 201

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        """A ticket's current view (people ahead now, for a reprint)."""
        return self._call("GET", f"/tickets/{_q(ticket_id)}")[1]

    def print_failed(self, ticket_id: str, reason: str, attempts: int) -> dict[str, Any]:
        """Tell the hall that a ticket was issued but not printed (the manager sees it)."""
        body = {"reason": reason[:200], "attempts": attempts}
        return self._call("POST", f"/tickets/{_q(ticket_id)}/print-failed", body)[1]

    def reprinted(self, ticket_id: str, requested_by: str | None = None) -> dict[str, Any]:
        """Record that this kiosk printed a ticket again (audit)."""
        body = {"requested_by": requested_by} if requested_by else {}
        return self._call("POST", f"/tickets/{_q(ticket_id)}/reprinted", body)[1]

    # -- plumbing -------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as exc:
            payload = _json(exc.read())
            error = payload.get("error") if isinstance(payload, dict) else None
            if exc.code >= 500 or not isinstance(error, dict):
                raise ServerUnreachable(f"HTTP {exc.code} {method} {path}") from None
            raise ServerRefused(
                exc.code,
                str(error.get("code", "error")),
                str(error.get("message", "")),
                error.get("details") if isinstance(error.get("details"), dict) else None,
            ) from None
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
            reason = getattr(exc, "reason", exc)
            # urllib wraps what fails before the whole request was sent (connecting, sending)
            # in URLError; a failure while waiting for the answer comes as it is.
            sent = not isinstance(exc, urllib.error.URLError)
            raise ServerUnreachable(f"{method} {path}: {reason}", sent=sent) from None


def _q(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None
