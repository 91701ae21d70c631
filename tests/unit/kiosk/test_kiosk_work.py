"""Which failure screen an answer of the hall server leads to."""

from __future__ import annotations

from kiosk.errors import ServerRefused, ServerUnreachable
from kiosk.work import server_error


def test_an_unreachable_server_can_be_retried_and_hides_the_technical_detail():
    info = server_error(ServerUnreachable("POST /halls/x/tickets: timed out"), retry=True)
    assert info.code == "server_unreachable" and info.retry
    assert "timed out" not in info.message and info.message.startswith("暂时无法连接")


def test_a_duplicate_ticket_offers_a_reprint_of_the_open_one():
    exc = ServerRefused(409, "duplicate_ticket", "您已取号A003 / you already hold A003",
                        {"ticket": "A003", "ticket_id": "abc123"})
    info = server_error(exc, retry=True)
    assert info.code == "duplicate_ticket" and not info.retry
    assert (info.reprint_ticket, info.reprint_number) == ("abc123", "A003")


def test_refusals_keep_their_code_and_words():
    for code in ("limit_reached", "service_closed", "id_card_required", "unauthorized"):
        info = server_error(ServerRefused(409, code, "中文 / English", {"x": 1}), retry=True)
        assert info.code == code and info.message == "中文 / English" and not info.retry
        assert info.details == {"x": 1}


def test_other_refusals_are_generic():
    assert server_error(ServerRefused(403, "forbidden", "m"), retry=False).code == "unauthorized"
    assert server_error(ServerRefused(400, "invalid_request", "m"), retry=False).code == "failed"
