"""The slip is what the server said: a ticket view as `POST /api/v1/halls/{hall}/tickets`
returns it, laid out by the printer driver and decoded back, field by field."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from drivers.printer.config import PrinterConfig
from drivers.printer.decoder import decode
from drivers.printer.driver import render_job
from kiosk.tickets import DEFAULT_WAIT_AREA, page_ticket, slip_from_ticket, status_url

# A ticket view as the hall server returns it (masked by the server).
VIEW = {
    "id": "xK3pQ9fLm2TzR7aB",
    "hall": "county",
    "number": "A012",
    "service": {"code": "general", "name": "综合受理", "name_en": "General matters", "prefix": "A"},
    "state": "waiting",
    "state_label": "等候中",
    "priority": "elderly",
    "priority_label": "老年人",
    "channel": "kiosk",
    "issued_at": "2026-11-25T01:41:07.123456+00:00",
    "citizen": {"name": "李*", "id_number": "1101**********0024"},
    "waiting_ahead": 7,
    "estimated_wait_minutes": 21,
    "wait_area": "一楼A区等候区",
    "status_path": "/t/xK3pQ9fLm2TzR7aB",
}


def _printed(view, **kw):
    slip = slip_from_ticket(view, "示范县行政服务中心", "https://hall.example.gov.cn/", **kw)
    [ticket] = decode(render_job(slip, PrinterConfig()))
    return slip, ticket


def test_the_slip_holds_the_servers_fields():
    slip, ticket = _printed(VIEW)
    shanghai = ZoneInfo("Asia/Shanghai")
    assert slip.issued_at == datetime(2026, 11, 25, 9, 41, 7, 123456, tzinfo=shanghai)
    lines = [t.strip() for t in ticket.texts if t.strip()]
    assert lines[:6] == [
        "示范县行政服务中心", "综合受理", "A012", "前面还有 7 人", "预计等候约 21 分钟",
        "绿色通道：老年人",
    ]
    assert "取号时间：2026-11-25 09:41" in lines
    assert "姓名：李*" in lines and "证件号码：1101**********0024" in lines
    assert "等候区域：一楼A区等候区" in lines
    assert ticket.qr_payloads == ["https://hall.example.gov.cn/t/xK3pQ9fLm2TzR7aB"]
    number = ticket.find_line("A012")
    assert number is not None and number.width == 4 and number.align == "center"
    assert ticket.cut == "full"


def test_a_ticket_without_card_estimate_or_area():
    view = {**VIEW, "citizen": {"name": None, "id_number": None}, "priority_label": None,
            "estimated_wait_minutes": None, "wait_area": None, "waiting_ahead": None}
    _, ticket = _printed(view)
    text = "\n".join(ticket.texts)
    assert "姓名" not in text and "证件号码" not in text and "预计等候" not in text
    assert "前面还有 0 人" in text  # no longer waiting (a reprint after the call)
    assert f"等候区域：{DEFAULT_WAIT_AREA}" in text


def test_a_reprint_says_so_first():
    _, ticket = _printed(VIEW, reprint=True)
    assert ticket.texts[0] == "【补打】" and ticket.texts[3] == "A012"


def test_status_url_falls_back_to_the_ticket_id():
    assert status_url("http://h:8080", {"id": "abc"}) == "http://h:8080/t/abc"
    assert status_url("http://h:8080/", VIEW) == "http://h:8080/t/xK3pQ9fLm2TzR7aB"


def test_the_page_gets_masked_fields_only():
    shown = page_ticket(VIEW)
    assert shown == {
        "id": "xK3pQ9fLm2TzR7aB", "number": "A012", "service": "综合受理",
        "service_en": "General matters", "waiting_ahead": 7, "estimated_wait_minutes": 21,
        "wait_area": "一楼A区等候区", "priority_label": "老年人", "citizen_name": "李*",
        "state": "waiting",
    }
