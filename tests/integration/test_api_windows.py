"""What a clerk does at a window, through `POST /api/v1/windows/<hall>-<number>/<action>`:
calling, recalls, no-shows, service, transfers, suspending, the window's own state, and who
may act where; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from test_api_support import card, id_number

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures

# every window action with a body it accepts
ACTIONS = {
    "call-next": None,
    "call": {"ticket": "A001"},
    "recall": None,
    "start": None,
    "complete": None,
    "no-show": None,
    "transfer": {"service": "invoice"},
    "suspend": {"reason": "复印材料"},
    "resume-ticket": {"ticket": "A001"},
    "open": None,
    "pause": {"reason": "午休"},
    "resume": None,
    "close": None,
}


def windows(api) -> dict[int, dict]:
    return {w["number"]: w for w in api.ok("GET", "halls/main/windows", "manager")["windows"]}


def test_every_action_is_documented_and_answers_for_an_unknown_window(api):
    spec = api.ok("GET", "openapi.json")
    documented = {p.rsplit("/", 1)[1] for p in spec["paths"] if p.startswith("/api/v1/windows/")}
    assert documented == set(ACTIONS)
    for action, body in ACTIONS.items():
        for key, status, code, needle in (
            ("main-7", 404, "not_found", "no window 7"),
            ("main3", 404, "not_found", "<hall>-<number>"),
            ("main-x", 404, "not_found", "<hall>-<number>"),
            ("-3", 404, "not_found", "<hall>-<number>"),
            ("nope-1", 404, "not_found", "no hall with code 'nope'"),
        ):
            resp = api.post(f"windows/{key}/{action}", "admin", json=body)
            api.error(resp, status, code, needle)


def test_call_next_needs_an_open_window_and_someone_waiting(api):
    err = api.error(
        api.post("windows/main-1/call-next", "manager"),
        409,
        "window_not_open",
        "window 1 is closed",
        "open",
    )
    assert err["details"] == {"window": 1}
    api.open(1)
    err = api.error(
        api.post("windows/main-1/call-next", "manager"), 409, "nothing_waiting", "no one is waiting"
    )
    assert err["details"] == {"window": 1}
    api.issue("general")  # window 1 does not serve it
    api.error(api.post("windows/main-1/call-next", "manager"), 409, "nothing_waiting")


def test_call_next_carries_the_window_and_finishes_the_ticket_in_service(api):
    first = api.issue("tax")
    api.clock.advance(minutes=1)
    second = api.issue("invoice")
    api.open(1)
    called = api.act(1, "call-next")
    assert (called["id"], called["state"], called["state_label"]) == (
        first["id"],
        "called",
        "已叫号",
    )
    assert called["window"] == {"number": 1, "name": "税务综合窗口", "area": None, "zone": "a"}
    assert called["called_at"] == "2026-11-25T01:01:00Z"
    assert windows(api)[1]["current"]["number"] == "A001"
    # a called ticket needs a decision before the next call
    api.error(
        api.post("windows/main-1/call-next", "manager"),
        409,
        "window_busy",
        "A001",
        "start, recall or mark a no-show",
    )
    api.act(1, "start")
    api.clock.advance(minutes=4)
    nxt = api.act(1, "call-next")  # completes A001 on the way
    assert nxt["id"] == second["id"] and nxt["number"] == "B001"
    done = api.ok("GET", f"tickets/{first['id']}")
    assert (done["state"], done["finished_at"]) == ("done", "2026-11-25T01:05:00Z")


def test_green_channel_ratio_over_several_calls(api):
    """Ratio 2: two green-channel calls in a row, then the longest-waiting normal ticket."""
    for _ in range(3):
        api.issue("general")  # C001..C003
        api.clock.advance(minutes=1)
    for _ in range(3):
        api.issue("general", who="manager", priority="disabled", channel="counter")  # C004..C006
        api.clock.advance(minutes=1)
    api.open(3)
    order = []
    for _ in range(6):
        ticket = api.act(3, "call-next")
        order.append(ticket["number"] + ("*" if ticket["priority"] else ""))
        api.act(3, "start")
    assert order == ["C004*", "C005*", "C001", "C006*", "C002", "C003"]


def test_call_a_specific_ticket_by_number_or_id(api):
    tickets = [api.issue("tax") for _ in range(3)]
    invoice = api.issue("invoice")
    api.open(1, 2)
    assert api.act(2, "call", json={"ticket": "A002"})["id"] == tickets[1]["id"]
    api.act(2, "start")
    assert api.act(2, "call", json={"ticket": tickets[2]["id"]})["number"] == "A003"
    assert api.ok("GET", f"tickets/{tickets[1]['id']}")["state"] == "done"
    api.act(2, "start")
    assert api.act(2, "call", json={"ticket": "a1"})["number"] == "A001"  # loose typing is fine
    err = api.error(
        api.post("windows/main-1/call", "manager", json={"ticket": "A001"}),
        409,
        "window_busy",
        "window 2",
        "A001",
    )
    assert err["details"] == {"ticket": tickets[0]["id"], "window": 2}
    api.act(2, "complete")
    err = api.error(
        api.post("windows/main-2/call", "manager", json={"ticket": "B001"}),
        400,
        "invalid_request",
        "transfer it first",
    )
    assert err["details"] == {"ticket": invoice["id"]}
    api.error(
        api.post("windows/main-2/call", "manager", json={"ticket": "A001"}),
        409,
        "invalid_state",
        "A001 is done",
    )
    api.error(
        api.post("windows/main-2/call", "manager", json={"ticket": "A099"}),
        404,
        "not_found",
        "A099",
    )
    api.error(api.post("windows/main-2/call", "manager", json={}), 400, "invalid_request", "ticket")
    assert api.act(1, "call", json={"ticket": "B001"})["window"]["number"] == 1


def test_digits_alone_call_the_waiting_ticket_of_the_windows_services(api):
    """A keypad types no letters: "001" means the one waiting ticket numbered 1 among the
    window's services, whatever the order of their prefixes."""
    tax, invoice, general = api.issue("tax"), api.issue("invoice"), api.issue("general")
    api.open(1, 3)
    err = api.error(
        api.post("windows/main-1/call", "manager", json={"ticket": "001"}),
        409,
        "ambiguous_number",
        "A001、B001",
        "several tickets are numbered 001: A001, B001",
    )
    assert [(c["number"], c["service"]["code"], c["id"]) for c in err["details"]["candidates"]] == [
        ("A001", "tax", tax["id"]),
        ("B001", "invoice", invoice["id"]),
    ]
    assert windows(api)[1]["current"] is None  # nothing moved
    api.act(1, "call", json={"ticket": "A001"})
    api.act(1, "complete")
    # A001 is done now: the waiting B001 is meant, although A comes first at window 1
    called = api.act(1, "call", json={"ticket": "1"})
    assert (called["id"], called["number"]) == (invoice["id"], "B001")
    api.act(1, "complete")
    # none waits: the refusal of the first that exists says why
    api.error(
        api.post("windows/main-1/call", "manager", json={"ticket": "001"}),
        409,
        "invalid_state",
        "A001 is done",
    )
    # C001 waits for a service window 1 does not serve; window 3 serves it
    assert api.act(3, "call", json={"ticket": "001"})["id"] == general["id"]
    api.error(
        api.post("windows/main-1/call", "manager", json={"ticket": "404"}),
        404,
        "not_found",
        "no ticket '404' in the services of window 1",
    )


def test_resume_without_a_number_takes_the_one_suspended_here(api):
    first, second = api.issue("tax"), api.issue("invoice")
    api.open(1)
    api.error(
        api.post("windows/main-1/resume-ticket", "manager", json={}),
        409,
        "invalid_state",
        "no ticket is suspended at window 1",
    )
    for _ in range(2):
        api.act(1, "call-next")
        api.act(1, "start")
        api.act(1, "suspend", json={"reason": "取材料"})
    err = api.error(
        api.post("windows/main-1/resume-ticket", "manager", json={}),
        409,
        "ambiguous_number",
        "several tickets are suspended at window 1: A001, B001",
    )
    assert [c["id"] for c in err["details"]["candidates"]] == [first["id"], second["id"]]
    api.error(  # digits alone name both
        api.post("windows/main-1/resume-ticket", "manager", json={"ticket": "1"}),
        409,
        "ambiguous_number",
    )
    assert api.act(1, "resume-ticket", json={"ticket": "B1"})["id"] == second["id"]
    api.act(1, "complete")
    back = api.act(1, "resume-ticket", json={})  # the only one left
    assert (back["id"], back["state"]) == (first["id"], "serving")


def test_recalls_are_counted_and_limited(api):
    api.issue("tax")
    api.open(1)
    api.error(
        api.post("windows/main-1/recall", "manager"), 409, "invalid_state", "no current ticket"
    )
    api.act(1, "call-next")
    for count in (1, 2):
        api.clock.advance(seconds=30)
        body = api.act(1, "recall")
        assert (body["state"], body["recall_count"]) == ("called", count)
        assert body["called_at"] == api.clock.now().isoformat().replace("+00:00", "Z")
    api.error(
        api.post("windows/main-1/recall", "manager"),
        409,
        "invalid_state",
        "recalled 2 times",
        "no-show",
    )
    api.act(1, "start")
    api.error(api.post("windows/main-1/recall", "manager"), 409, "invalid_state", "serving")


def test_no_show_only_after_the_recalls(api):
    ticket = api.issue("tax")
    api.open(1)
    api.error(
        api.post("windows/main-1/no-show", "manager"), 409, "invalid_state", "no current ticket"
    )
    api.act(1, "call-next")
    err = api.error(
        api.post("windows/main-1/no-show", "manager"), 409, "invalid_state", "recall 2 more"
    )
    assert err["details"] == {"ticket": ticket["id"]}
    api.act(1, "recall")
    api.error(api.post("windows/main-1/no-show", "manager"), 409, "invalid_state", "recall 1 more")
    api.act(1, "recall")
    body = api.act(1, "no-show")
    assert (body["state"], body["state_label"]) == ("no_show", "已过号")
    assert windows(api)[1]["current"] is None


def test_start_and_complete(api):
    first = api.issue("tax")
    api.issue("tax")
    api.open(1)
    api.error(
        api.post("windows/main-1/start", "manager"),
        409,
        "invalid_state",
        "window 1 has no current ticket",
    )
    api.error(
        api.post("windows/main-1/complete", "manager"), 409, "invalid_state", "no current ticket"
    )
    api.act(1, "call-next")
    api.clock.advance(minutes=1)
    started = api.act(1, "start")
    assert (started["state"], started["started_at"]) == ("serving", "2026-11-25T01:01:00Z")
    api.error(api.post("windows/main-1/start", "manager"), 409, "invalid_state", "serving")
    api.clock.advance(minutes=7)
    done = api.act(1, "complete")
    assert (done["id"], done["state"], done["finished_at"]) == (
        first["id"],
        "done",
        "2026-11-25T01:08:00Z",
    )
    assert windows(api)[1]["current"] is None
    # complete straight from called: served without pressing start
    called = api.act(1, "call-next")
    api.clock.advance(minutes=2)
    done = api.act(1, "complete")
    assert done["state"] == "done"
    assert done["started_at"] == called["called_at"]


def test_transfer_to_a_service_keeps_the_place_in_the_queue(api):
    first = api.issue("tax")
    api.clock.advance(minutes=1)
    api.issue("invoice")
    api.open(1, 2)
    api.act(2, "call-next")
    api.act(2, "start")
    api.clock.advance(minutes=5)
    moved = api.act(2, "transfer", json={"service": "invoice", "note": "需开发票"})
    assert (moved["number"], moved["state"], moved["service"]["code"]) == (
        "A001",
        "waiting",
        "invoice",
    )
    assert moved["queued_at"] == first["queued_at"]
    assert (moved["transfer_count"], moved["note"], moved["window"]) == (1, "需开发票", None)
    assert windows(api)[2]["current"] is None
    queues = api.ok("GET", "halls/main/snapshot", "board")["queues"]
    assert (queues["tax"]["waiting"], queues["invoice"]["waiting"]) == (0, 2)
    # it waited longer than B001, so window 1 (tax and invoice) takes it first
    again = api.act(1, "call-next")
    assert (again["number"], again["service"]["code"]) == ("A001", "invoice")


def test_transfer_to_a_window(api):
    tickets = []
    for _ in range(3):
        tickets.append(api.issue("tax"))
        api.clock.advance(minutes=1)
    api.open(1, 2, 4)
    api.act(1, "call-next")
    moved = api.act(1, "transfer", json={"window": 2})
    assert (moved["state"], moved["target_window"], moved["service"]["code"]) == (
        "waiting",
        2,
        "tax",
    )
    assert moved["queued_at"] == tickets[0]["queued_at"]
    assert api.act(1, "call-next")["number"] == "A002"  # A001 waits for window 2 now
    taken = api.act(2, "call-next")
    assert (taken["number"], taken["target_window"]) == ("A001", None)
    # a window of another service is sent the ticket together with its service
    api.act(2, "transfer", json={"window": 4, "service": "idonly", "note": "实名核验"})
    assert api.act(4, "call-next")["number"] == "A001"


def test_a_transfer_goes_only_to_a_window_that_is_open_and_serves_the_service(api):
    api.issue("tax")
    api.open(1)
    api.act(1, "call-next")
    err = api.error(
        api.post("windows/main-1/transfer", "manager", json={"window": 2}),
        409,
        "window_not_open",
        "2号窗口未开放",
        "window 2 is closed",
    )
    assert err["details"] == {"window": 2}
    api.open(3)
    err = api.error(
        api.post("windows/main-1/transfer", "manager", json={"window": 3}),
        409,
        "window_not_serving",
        "3号窗口不办理“税务综合”",
        "window 3 does not serve 税务综合 (tax)",
    )
    assert err["details"] == {"window": 3, "service": "tax"}
    api.error(  # the service it is sent to counts, not the one it leaves
        api.post("windows/main-1/transfer", "manager", json={"window": 3, "service": "invoice"}),
        409,
        "window_not_serving",
        "window 3 does not serve 发票业务 (invoice)",
    )
    assert windows(api)[1]["current"]["number"] == "A001"  # nothing moved
    # a paused window keeps its queue: it calls the ticket when it resumes
    api.open(2)
    api.act(2, "pause", json={"reason": "午休"})
    moved = api.act(1, "transfer", json={"window": 2})
    assert (moved["state"], moved["target_window"]) == ("waiting", 2)
    api.act(2, "resume")
    assert api.act(2, "call-next")["number"] == "A001"
    moved = api.act(2, "transfer", json={"window": 3, "service": "general"})
    assert (moved["target_window"], moved["service"]["code"]) == (3, "general")


def test_transfer_errors(api):
    api.issue("tax")
    api.open(1)
    api.error(
        api.post("windows/main-1/transfer", "manager", json={"service": "invoice"}),
        409,
        "invalid_state",
        "no current ticket",
    )
    api.act(1, "call-next")
    for body, status, code, needle in (
        ({}, 400, "invalid_request", "choose a service or a window"),
        ({"note": "x"}, 400, "invalid_request", "choose a service or a window"),
        ({"service": "visa"}, 404, "not_found", "visa"),
        ({"window": 7}, 404, "not_found", "no window 7"),
        ({"window": 1}, 400, "invalid_request", "same window"),
        ({"window": 0}, 400, "invalid_request", "window"),
        ({"service": "tax", "queue": "x"}, 400, "invalid_request", "queue"),
    ):
        api.error(api.post("windows/main-1/transfer", "manager", json=body), status, code, needle)
    assert windows(api)[1]["current"]["number"] == "A001"  # nothing moved


def test_a_transfer_never_gives_an_id_a_second_open_ticket(api):
    number = id_number()
    first = api.issue("tax", id_card=card(number))
    held = api.issue("invoice", id_card=card(number))
    api.open(1)
    api.act(1, "call-next")
    api.error(
        api.post("windows/main-1/transfer", "manager", json={"service": "invoice"}),
        409,
        "duplicate_ticket",
        held["number"],
        "serve or cancel that ticket",
    )
    assert windows(api)[1]["current"]["id"] == first["id"]  # nothing moved
    assert api.ok("GET", f"tickets/{held['id']}")["state"] == "waiting"
    # once the other ticket is cancelled, the transfer goes through
    api.ok("POST", f"tickets/{held['id']}/cancel", "manager", json={})
    moved = api.act(1, "transfer", json={"service": "invoice"})
    assert (moved["id"], moved["service"]["code"]) == (first["id"], "invoice")


def test_suspend_and_resume_a_ticket(api):
    first = api.issue("tax")
    second = api.issue("tax")
    api.open(1, 2)
    api.act(1, "call-next")
    api.error(
        api.post("windows/main-1/suspend", "manager", json={}), 409, "invalid_state", "called"
    )
    api.act(1, "start")
    held = api.act(1, "suspend", json={"reason": "回家取户口本"})
    assert (held["state"], held["state_label"], held["note"]) == (
        "suspended",
        "已挂起",
        "回家取户口本",
    )
    assert windows(api)[1]["current"] is None
    api.error(
        api.post("windows/main-1/suspend", "manager", json={}),
        409,
        "invalid_state",
        "no current ticket",
    )
    assert api.act(1, "call-next")["id"] == second["id"]
    api.error(
        api.post("windows/main-1/resume-ticket", "manager", json={"ticket": "A001"}),
        409,
        "window_busy",
        "A002",
    )
    api.act(1, "start")
    api.clock.advance(minutes=20)
    back = api.act(1, "resume-ticket", json={"ticket": first["number"]})
    assert (back["id"], back["state"], back["window"]["number"]) == (first["id"], "serving", 1)
    assert api.ok("GET", f"tickets/{second['id']}")["state"] == "done"
    assert windows(api)[1]["current"]["number"] == "A001"
    api.error(
        api.post("windows/main-2/resume-ticket", "manager", json={"ticket": "A002"}),
        409,
        "invalid_state",
        "A002 is done",
    )
    api.error(
        api.post("windows/main-2/resume-ticket", "manager", json={"ticket": "A404"}),
        404,
        "not_found",
        "A404",
    )


def test_open_pause_resume_close(api):
    opened = api.act(1, "open", who="clerk1")
    assert (opened["state"], opened["state_label"], opened["clerk"]) == (
        "open",
        "正在服务",
        "clerk1",
    )
    api.error(api.post("windows/main-1/open", "manager"), 409, "invalid_state", "cannot open")
    for body in ({}, {"reason": "   "}):
        api.error(
            api.post("windows/main-1/pause", "manager", json=body), 400, "invalid_request", "reason"
        )
    api.error(
        api.post("windows/main-1/pause", "manager", json={"reason": "x" * 201}),
        400,
        "invalid_request",
        "reason",
    )
    paused = api.act(1, "pause", json={"reason": " 系统故障 "})
    assert (paused["state"], paused["pause_reason"], paused["state_label"]) == (
        "paused",
        "系统故障",
        "暂停中",
    )
    api.issue("tax")
    api.error(
        api.post("windows/main-1/call-next", "manager"),
        409,
        "window_not_open",
        "window 1 is paused",
        "open or resume it first",
    )
    api.error(
        api.post("windows/main-1/pause", "manager", json={"reason": "again"}),
        409,
        "invalid_state",
        "cannot pause",
    )
    resumed = api.act(1, "resume")
    assert (resumed["state"], resumed["pause_reason"]) == ("open", None)
    api.error(api.post("windows/main-1/resume", "manager"), 409, "invalid_state", "cannot resume")
    api.act(1, "call-next")
    err = api.error(
        api.post("windows/main-1/close", "manager"), 409, "window_busy", "still has a ticket"
    )
    assert err["details"] == {"window": 1}
    api.act(1, "complete")
    closed = api.act(1, "close")
    assert (closed["state"], closed["clerk"]) == ("closed", "clerk1")  # still signed in there
    api.error(api.post("windows/main-1/close", "manager"), 409, "invalid_state", "cannot close")
    api.error(
        api.post("windows/main-1/call", "manager", json={"ticket": "A001"}),
        409,
        "window_not_open",
        "closed",
    )


def test_clerks_act_only_at_their_window(api):
    api.issue("tax")
    api.open(1, 2)
    err = api.error(
        api.post("windows/main-2/call-next", "clerk1"),
        403,
        "forbidden",
        "signed in at window 1",
        "cannot act at window 2",
    )
    assert "details" not in err
    api.error(api.post("windows/main-2/pause", "clerk1", json={"reason": "x"}), 403, "forbidden")
    api.error(api.post("windows/branch-1/open", "clerk1"), 403, "forbidden", "branch")
    api.error(api.post("windows/main-1/open", "branch_clerk"), 403, "forbidden", "main")
    assert api.act(1, "call-next", who="clerk1")["number"] == "A001"


@pytest.mark.parametrize(
    ("who", "status", "needle"),
    [
        (None, 401, "Bearer"),
        ("kiosk", 403, "may not act at window 1"),
        ("board", 403, "may not act at window 1"),
        ("agent", 403, "no clerk is signed in at window 1"),
        ("supervisor", 403, "may not act at window 1"),
        ("backoffice", 403, "may not act at window 1"),
        ("branch_manager", 403, "no access to hall 'main'"),
    ],
)
def test_who_may_not_act_at_a_window(api, who, status, needle):
    code = "unauthorized" if status == 401 else "forbidden"
    for action, body in ACTIONS.items():
        api.error(api.post(f"windows/main-1/{action}", who, json=body), status, code, needle)


def test_managers_act_at_any_window_of_their_halls(api):
    api.issue("tax")
    for n in (1, 2, 3, 4, 9):
        assert api.act(n, "open")["state"] == "open"
    assert api.act(2, "call-next")["window"]["number"] == 2
    api.error(api.post("windows/branch-1/open", "manager"), 403, "forbidden", "branch")
    assert api.act("branch-1", "open", who="branch_manager")["state"] == "open"
    assert api.act("branch-1", "close", who="admin")["state"] == "closed"


def test_an_agent_device_acts_for_the_clerk_signed_in_at_the_window(api):
    """Caller pads and keypads carry an agent token: they work at a window while a clerk is
    signed in there, as that clerk."""
    api.issue("tax")
    api.error(api.post("windows/main-1/open", "agent"), 403, "forbidden", "no clerk is signed in")
    api.token("clerk1")  # clerk1 signs in at window 1
    opened = api.act(1, "open", who="agent")
    assert opened["clerk"] == "clerk1"
    assert api.act(1, "call-next", who="agent")["number"] == "A001"
    api.error(api.post("windows/branch-1/open", "agent"), 403, "forbidden", "branch")
    # a manager closing and opening the window again leaves the clerk seated: the pad works
    api.act(1, "complete", who="agent")
    api.act(1, "close", who="manager")
    assert api.act(1, "open", who="manager")["clerk"] == "clerk1"
    api.issue("tax")
    assert api.act(1, "call-next", who="agent")["number"] == "A002"
