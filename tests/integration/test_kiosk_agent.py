"""The kiosk agent in this process against a real hall server process, the ID card reader
emulator on a pty and the printer emulator on a loopback port: every rule that keeps a ticket
from being lost or doubled, and every failure screen."""

from __future__ import annotations

import threading
import time

import pytest
from test_kiosk_support import (
    HALL,
    Page,
    Relay,
    control,
    listen,
    make_rig,
    masked_number,
    person,
    polled,
    wait_event,
)
from testkit import eventually

from drivers.idcard.emulator import IdCardEmulator
from drivers.printer.emulator import PrinterEmulator
from kiosk.agent import KioskAgent
from kiosk.config import KioskSettings
from kiosk.link import HallLink

pytest_plugins = ["test_kiosk_support"]  # kiosk_hall, rig, relayed, hall_events
pytestmark = pytest.mark.timeout(60)


def test_tap_issues_and_prints_the_servers_ticket(rig):
    card = person("李四")
    before = rig.hall.waiting("tax")
    rig.page.select("tax")
    state = rig.page.wait("tap_card")
    assert state["service"]["name"] == "税务综合" and state["service"]["requires_id"] is False
    rig.tap(card)
    ticket = rig.ticket()
    done = rig.page.wait("done")
    number = done["ticket"]["number"]
    assert number.startswith("A") and done["ticket"]["waiting_ahead"] == before
    assert done["ticket"]["citizen_name"] == "李*"
    texts = ticket.texts
    assert texts[0] == "测试政务服务中心" and texts[1] == "税务综合" and texts[2] == number
    assert rig.line(ticket, "前面还有") == f"前面还有 {before} 人"
    assert rig.line(ticket, "姓名") == "姓名：李*"
    assert rig.line(ticket, "证件号码") == f"证件号码：{masked_number(card)}"
    assert rig.line(ticket, "等候区域") == "等候区域：一楼A区"
    assert card.id_number not in "".join(texts)
    [qr] = ticket.qr_payloads
    assert qr == f"https://hall.example.gov.cn/t/{done['ticket']['id']}"
    assert ticket.cut == "full"
    assert rig.hall.waiting("tax") == before + 1


def test_a_card_read_first_is_used_when_the_service_is_chosen(rig):
    rig.tap(person("王小明"))
    home = rig.page.wait("home", check=lambda s: s["held_card"] is not None)
    assert home["held_card"] == "王**"  # masked as the server masks it on the slip
    rig.page.select("invoice")  # needs an ID card: the card already read is used
    slip = rig.ticket()
    done = rig.page.wait("done")
    assert done["ticket"]["number"].startswith("B")
    assert done["held_card"] is None
    assert rig.line(slip, "姓名") == "姓名：王**" and done["ticket"]["citizen_name"] == "王**"


def test_a_card_lifted_or_left_behind_is_never_the_next_citizens(rig):
    rig.tap(person("孙丽"))
    rig.page.wait("home", check=lambda s: s["held_card"] == "孙*")
    rig.reader.remove()  # lifted before choosing: forgotten at once
    rig.page.wait("home", check=lambda s: s["held_card"] is None)
    rig.page.select("invoice")
    rig.page.wait("tap_card")
    rig.tap(person("钱多多"))
    rig.ticket()
    rig.page.wait("done")
    rig.lift()
    rig.tap(person("钱多多"))  # laid down again on the done screen, and left there
    polled(lambda: rig.reader.polls)  # read there
    assert rig.page.post("/api/reset", {}) == 202  # 完成
    home = rig.page.wait("home")
    assert home["held_card"] is None
    rig.page.select("invoice")  # the next citizen is asked for their own card
    state = rig.page.wait("tap_card")
    assert state["held_card"] is None
    polled(lambda: rig.reader.polls)  # the reader searched again: the card there is not theirs
    assert rig.page.state()["screen"] == "tap_card" and len(rig.printer.printed) == 1


def test_without_a_card_and_a_double_tap_gives_one_ticket(rig):
    before = rig.hall.waiting("tax")
    rig.page.select("tax")
    state = rig.page.wait("tap_card")
    statuses = []
    threads = [
        threading.Thread(
            target=lambda: statuses.append(rig.page.post("/api/no-card", {"seq": state["seq"]}))
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [202, 409, 409, 409]
    rig.ticket()
    done = rig.page.wait("done")
    assert done["ticket"]["citizen_name"] is None
    time.sleep(0.5)
    assert rig.hall.waiting("tax") == before + 1
    assert len(rig.printer.printed) == 1
    # a press drawn from an old screen does nothing
    assert rig.page.post("/api/no-card", {"seq": state["seq"]}) == 409


def test_a_service_needing_an_id_card_offers_no_way_around_it(rig):
    rig.page.select("invoice")
    rig.page.wait("tap_card", check=lambda s: s["service"]["requires_id"] is True)
    assert rig.page.post("/api/no-card", {}) == 409


def test_a_lost_answer_is_retried_with_the_same_key_and_prints_once(relayed):
    r = relayed
    before = r.hall.waiting("tax")
    r.page.select("tax")
    r.page.wait("tap_card")
    r.relay.drop = 1  # the server issues the number, the kiosk never hears it
    r.tap(person())
    r.ticket()
    done = r.page.wait("done")
    assert r.relay.dropped == 1
    assert r.hall.waiting("tax") == before + 1  # one number, not two
    assert done["ticket"]["waiting_ahead"] == before
    time.sleep(0.3)
    assert len(r.printer.printed) == 1
    assert r.agent.outbox.pending == 0  # printed: nothing left to tell the hall


def test_server_down_then_try_again_issues_once(relayed, hall_events):
    r = relayed
    before = r.hall.waiting("tax")
    r.choose("tax")
    r.relay.drop = 99  # every answer lost: the kiosk retries, then says so
    r.tap(person())
    error = r.page.wait("error")
    assert error["error"]["code"] == "server_unreachable" and error["error"]["retry"]
    assert error["devices"]["server"] is False
    assert r.relay.dropped == 3  # the first try and two retries, all with one key
    # The server did issue it, and nobody has its number yet: the kiosk keeps the key (on
    # disk), leaving it to the citizen's "try again" while they are here (if they walk away
    # instead: test_kiosk_outbox).
    assert r.hall.waiting("tax") == before + 1
    assert r.agent.outbox.kinds() == ["issue"]
    r.relay.drop = 0
    time.sleep(1.5)  # housekeeping runs meanwhile, and leaves the citizen's issue alone
    assert r.agent.outbox.kinds() == ["issue"]
    assert r.page.post("/api/retry", {"seq": error["seq"]}) == 202
    slip = r.ticket()
    done = r.page.wait("done")
    assert slip.texts[2] == done["ticket"]["number"]
    assert r.hall.waiting("tax") == before + 1
    assert r.agent.outbox.pending == 0  # printed: the hall needs no report
    time.sleep(1.2)
    assert [e for e, _ in hall_events if e == "kiosk.print_failed"] == []
    assert len(r.printer.printed) == 1


def test_paper_out_before_issuing_issues_nothing(rig):
    before = rig.hall.waiting("tax")
    rig.printer.paper = "out"
    rig.page.select("tax")
    rig.page.wait("tap_card")
    rig.tap(person())
    error = rig.page.wait("error")
    assert error["error"]["code"] == "paper_out"
    assert error["devices"]["printer"] == "paper_out"
    assert rig.hall.waiting("tax") == before
    assert rig.printer.printed == []


def test_a_silent_printer_is_not_trusted(rig):
    before = rig.hall.waiting("tax")
    rig.printer.silent = True
    rig.page.select("tax")
    rig.page.wait("tap_card")
    rig.tap(person())
    error = rig.page.wait("error")
    assert error["error"]["code"] == "printer_unavailable"
    assert rig.hall.waiting("tax") == before


@pytest.mark.slow
def test_printer_failing_after_the_number_tells_citizen_and_hall_then_reprints(
    kiosk_hall, tmp_path
):
    relay = Relay(kiosk_hall.server.port)
    r = make_rig(kiosk_hall, tmp_path, server=relay.url)
    manager, seen = listen(kiosk_hall)
    try:
        card = person("赵六")
        r.page.select("tax")
        r.page.wait("tap_card")

        def paper_runs_out(request: bytes) -> None:
            if request.startswith(b"POST /api/v1/halls/"):
                r.printer.paper = "out"  # after the check, before the ticket

        relay.before = paper_runs_out
        r.tap(card)
        failed = r.page.wait("print_failed", timeout=20)
        number = failed["ticket"]["number"]
        assert "缺纸" in failed["warning"]
        assert r.printer.discarded == 0 and r.printer.printed == []
        event = wait_event(seen, "kiosk.print_failed")
        assert event["ticket"]["number"] == number and event["device"] == "kiosk-1"
        assert event["attempts"] == 3
        relay.before = None
        r.printer.paper = "ok"
        # the same card again: the server names the open ticket, the kiosk offers a reprint
        assert r.page.post("/api/reset", {}) == 202
        r.page.select("tax")
        r.page.wait("tap_card")
        r.lift()
        r.tap(card)
        # (a card laid down while the reader is mid-read can fail once: "card unreadable"
        # until the next read, which then goes on by itself)
        error = r.page.wait("error", check=lambda s: s["error"]["code"] != "card_unreadable")
        assert error["error"]["code"] == "duplicate_ticket"
        assert error["error"]["reprint_number"] == number
        assert r.page.post("/api/reprint", {"ticket": "someone-else", "seq": error["seq"]}) == 409
        assert (
            r.page.post(
                "/api/reprint", {"ticket": error["error"]["reprint_ticket"], "seq": error["seq"]}
            )
            == 202
        )
        slip = r.ticket()
        done = r.page.wait("done")
        assert done["reprint"] is True and done["ticket"]["number"] == number
        assert slip.texts[0] == "【补打】" and slip.texts[3] == number
        assert wait_event(seen, "kiosk.reprinted")["by"] == "citizen"
    finally:
        manager.disconnect()
        r.close()
        relay.close()


def test_staff_reprint_from_the_manager_prints_at_the_kiosk(kiosk_hall, tmp_path):
    r = make_rig(kiosk_hall, tmp_path, live=True)
    try:
        deadline = time.monotonic() + 10
        while r.page.state()["devices"]["server"] is not True and time.monotonic() < deadline:
            time.sleep(0.05)
        r.page.select("tax")
        r.page.wait("tap_card")
        r.tap(person())
        r.ticket()
        number = r.page.wait("done")["ticket"]["number"]
        ticket_id = r.page.state()["ticket"]["id"]
        assert r.page.post("/api/reset", {}) == 202
        r.page.wait("home")
        status, body = kiosk_hall.api(
            "POST", f"/tickets/{ticket_id}/reprint", {}, kiosk_hall.manager
        )
        assert status == 200, body
        slip = r.ticket()
        assert slip.texts[0] == "【补打】" and slip.texts[3] == number
        shown = r.page.wait("done", check=lambda s: s["reprint"])
        assert shown["ticket"]["number"] == number
    finally:
        r.close()


def test_a_usb_printer_it_cannot_reach_stops_issuing_on_a_clear_screen(
    kiosk_hall, tmp_path, caplog
):
    """Without libusb (this machine) pyusb raised a ValueError out of the printer's status:
    the agent's housekeeping and the citizen's request failed with a traceback."""
    caplog.set_level("INFO")
    settings = (
        KioskSettings()
        .replace("server", url=kiosk_hall.url, hall=HALL, live_events=False)
        .replace("page", port=0)
        .replace("printer", kind="usb", usb_vendor_id=0x0416, usb_product_id=0x5011)
        .replace("storage", data_dir=str(tmp_path / "data"))
    )
    before = kiosk_hall.waiting("tax")
    with KioskAgent(settings, kiosk_hall.kiosk) as agent:
        page = Page(agent.url)
        page.select("tax")
        page.wait("tap_card")
        assert page.post("/api/no-card", {}) == 202
        error = page.wait("error")
        assert error["error"]["code"] == "printer_unavailable"
        assert error["devices"]["printer"] == "unavailable"
        time.sleep(1.2)  # a round of housekeeping
    assert kiosk_hall.waiting("tax") == before
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert "install libusb-1.0-0" in caplog.text or "USB" in caplog.text  # the log says why


def test_daily_cap_and_closed_service_screens(rig):
    rig.page.select("pension")  # one ticket a day, and no other test takes it
    rig.page.wait("tap_card")
    assert rig.page.post("/api/no-card", {}) == 202
    rig.ticket()
    rig.page.wait("done")
    assert rig.page.post("/api/reset", {}) == 202
    rig.page.select("pension")
    rig.page.wait("tap_card")
    assert rig.page.post("/api/no-card", {}) == 202
    state = rig.page.wait("error")
    assert state["error"]["code"] == "limit_reached"
    assert "今日号源已取完" in state["error"]["message"]
    assert rig.page.post("/api/reset", {}) == 202
    rig.page.select("evening")
    closed = rig.page.wait("error")
    assert closed["error"]["code"] == "service_closed"
    assert closed["error"]["details"]["hours"][0].endswith(":30")


def test_an_unreadable_card_says_so_and_a_new_tap_retries(rig):
    rig.page.select("tax")
    rig.page.wait("tap_card")
    rig.reader.set_fault("checksum")
    rig.tap(person())
    error = rig.page.wait("error", timeout=20)
    assert error["error"]["code"] == "card_unreadable" and error["error"]["retry_on_card"]
    rig.reader.remove()  # lifted before the reader behaves again: read in between, the card
    rig.reader.set_fault(None)  # would already be the new tap
    polled(lambda: rig.reader.polls)
    rig.tap(person())
    rig.ticket()
    rig.page.wait("done")


@pytest.mark.parametrize("fault", ["read_failed", "unknown_type", "invalid_card"])
def test_a_card_that_cannot_be_read_on_the_home_screen_is_named_after_the_choice(rig, fault):
    """The reader tells once; the kiosk remembers it until the card is lifted."""
    rig.reader.set_fault(fault)
    rig.tap(person())
    polled(lambda: rig.reader.polls)  # read (and not read) while the home screen shows
    assert rig.page.state()["screen"] == "home"
    rig.page.select("tax")
    error = rig.page.wait("error")
    assert error["error"]["code"] == "card_unreadable" and error["error"]["retry_on_card"]
    assert error["service"]["code"] == "tax"
    rig.reader.remove()  # lifted: the kiosk forgets it
    rig.reader.set_fault(None)
    polled(lambda: rig.reader.polls)
    rig.tap(person())  # laid down again: it counts for the chosen service
    rig.ticket()
    assert rig.page.wait("done")["ticket"]["number"].startswith("A")
    rig.lift()
    assert rig.page.post("/api/reset", {}) == 202
    rig.page.select("tax")
    rig.page.wait("tap_card")  # nothing unreadable lies there any more


def test_print_again_after_a_print_failure_is_reported(relayed, hall_events):
    r = relayed
    r.choose("tax")

    def paper_runs_out(request: bytes) -> None:
        if request.startswith(b"POST /api/v1/halls/"):
            r.printer.paper = "out"

    r.relay.before = paper_runs_out
    r.tap(person())
    failed = r.page.wait("print_failed", timeout=20)
    number = failed["ticket"]["number"]
    r.relay.before = None
    r.printer.paper = "ok"
    assert (
        r.page.post("/api/reprint", {"ticket": failed["ticket"]["id"], "seq": failed["seq"]}) == 202
    )
    slip = r.ticket()
    done = r.page.wait("done")
    assert slip.texts[2] == number and "【补打】" not in slip.texts  # its first slip
    assert done["reprint"] is False
    event = wait_event(hall_events, "kiosk.reprinted")
    assert event["ticket"]["number"] == number and event["by"] == "citizen"
    assert wait_event(hall_events, "kiosk.print_failed")["ticket"]["number"] == number


def test_an_appointment_code_checks_in_once(rig, tmp_path):
    qr = rig.hall.book("tax")
    assert control(tmp_path / "scanner", f"scan {qr}").startswith("ok")
    rig.ticket()
    done = rig.page.wait("done")
    assert done["ticket"]["priority_label"]  # on time: green channel
    number = done["ticket"]["number"]
    assert control(tmp_path / "scanner", f"scan {qr}").startswith("ok")
    again = rig.page.wait("error")
    assert again["error"]["code"] == "already_checked_in"
    assert again["error"]["reprint_number"] == number
    assert control(tmp_path / "scanner", "scan HELLO-WORLD").startswith("ok")
    assert rig.page.wait("error", check=lambda s: s["error"]["code"] == "not_appointment")
    assert control(tmp_path / "scanner", "scan OWAPPT:no-such-ref").startswith("ok")
    bad = rig.page.wait("error", check=lambda s: s["error"]["code"] == "appointment_invalid")
    assert "预约" in bad["error"]["message"]


def test_the_page_server_serves_a_locked_down_page(rig):
    import urllib.request

    with urllib.request.urlopen(rig.agent.url, timeout=5) as response:
        html = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "<a " not in html and "http" not in html.replace("http-equiv", "")
    services = rig.page.get("/api/services")
    assert services["hall"]["name"] == "测试政务服务中心"
    assert [s["code"] for s in services["services"]] == ["tax", "invoice", "pension", "evening"]
    assert rig.page.get("/api/config")["idle_seconds"] == 30


def test_without_the_server_the_page_is_out_of_service(kiosk_hall, tmp_path):
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    r = make_rig(kiosk_hall, tmp_path, server=f"http://127.0.0.1:{closed}")
    try:
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(r.agent.url + "api/services", timeout=10)
        assert info.value.code == 503
        body = info.value.read().decode()
        assert '"server_unreachable"' in body and "暂时无法连接" in body
        assert r.page.state()["devices"]["server"] is False
        assert r.page.post("/api/select", {"service": "tax"}) == 409
        error = r.page.wait("error")
        assert error["error"]["code"] == "server_unreachable"
    finally:
        r.close()


def test_a_revoked_token_puts_the_kiosk_out_of_service(kiosk_hall, tmp_path):
    import subprocess

    from test_kiosk_support import ONEWINDOW

    server = kiosk_hall.server
    token = server.device("kiosk-revoked", "kiosk", HALL)
    subprocess.run(
        [
            ONEWINDOW,
            "device",
            "revoke",
            "kiosk-revoked",
            "--config",
            str(server.config),
            "--data-dir",
            str(server.data_dir),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    reader = IdCardEmulator().start()
    printer = PrinterEmulator().start()
    settings = (
        KioskSettings()
        .replace("server", url=kiosk_hall.url, hall=HALL, live_events=False)
        .replace("page", port=0)
        .replace("reader", port=reader.path)
        .replace("printer", port=printer.port)
        .replace("storage", data_dir=str(tmp_path / "data"))
    )
    agent = KioskAgent(settings, token).start()
    try:
        import urllib.error
        import urllib.request

        page = Page(agent.url)
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(agent.url + "api/services", timeout=10)
        assert info.value.code == 503 and '"unauthorized"' in info.value.read().decode()
        assert page.post("/api/select", {"service": "tax"}) == 409
        error = page.wait("error")
        assert error["error"]["code"] == "unauthorized"
        assert "吊销" in error["error"]["message"]
    finally:
        agent.stop()
        printer.stop()
        reader.close()


def test_the_live_link_asks_again_after_the_server_let_go(kiosk_hall, caplog):
    """A revoked kiosk token: the server closes the link; the link does not stay silent but
    connects again (and is refused, which its log says) until the token is replaced."""
    caplog.set_level("INFO", logger="kiosk.link")
    token = kiosk_hall.server.device("kiosk-gone", "kiosk", HALL)
    states: list[bool] = []
    link = HallLink(
        kiosk_hall.url, token, HALL, lambda: "kiosk-gone", lambda *_: None, states.append
    )
    link.start()
    try:
        eventually(lambda: states[-1:] == [True], what="the link")
        admin = kiosk_hall.server.admin_token("admin-link")
        status, body = kiosk_hall.api("POST", "/admin/devices/kiosk-gone/revoke", {}, admin)
        assert status == 200, body
        eventually(lambda: states[-1:] == [False], what="the server closing the link")
        eventually(
            lambda: "hall link:" in caplog.text and "retrying" in caplog.text, what="a new attempt"
        )
        assert "closed the live link: connecting again" in caplog.text
        assert states.count(True) == 1  # refused from then on
    finally:
        link.stop()
