"""The read side of the API: health, halls, services with waiting counts, snapshot and windows
(who may read them), and the JSON shape of 404/405 answers."""

from __future__ import annotations

from test_api_support import local

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


def test_health_checks_the_database_and_reports_the_clock(api, db_url):
    body = api.ok("GET", "health")
    assert body["status"] == "ok"
    assert body["database"] == ("sqlite" if db_url.startswith("sqlite") else "postgresql")
    assert body["time"] == "2026-11-25T01:00:00Z"  # 09:00 in Shanghai, in UTC
    assert body["version"]


def test_halls_lists_every_hall_with_its_size(api):
    halls = {h["code"]: h for h in api.ok("GET", "halls")["halls"]}
    assert set(halls) == {"main", "branch"}
    assert halls["main"]["name"] == "测试政务服务中心"
    assert (halls["main"]["services"], halls["main"]["windows"]) == (4, 5)
    assert (halls["branch"]["kind"], halls["branch"]["windows"]) == ("branch", 1)
    assert halls["main"]["timezone"] == "Asia/Shanghai"


def test_services_count_waiting_tickets_and_open_windows(api):
    def services():
        return {s["code"]: s for s in api.ok("GET", "halls/main/services")["services"]}

    before = services()
    assert list(before) == ["tax", "invoice", "general", "idonly"]
    tax = before["tax"]
    assert (tax["prefix"], tax["name"], tax["name_en"]) == ("A", "税务综合", "Tax")
    assert tax["hours"] == ["08:30-12:00", "14:00-17:30"]
    assert tax["open_now"] is True
    assert tax["domain"] == {"code": "tax", "name": "税务服务", "name_en": None}
    assert tax["items"] == ["000000000001"]
    assert before["idonly"]["requires_id"] is True and tax["requires_id"] is False
    assert all(s["waiting"] == 0 and s["open_windows"] == 0 for s in before.values())

    api.issue("tax")
    api.clock.advance(minutes=5)
    api.issue("tax")
    api.issue("general")
    api.open(1)
    after = services()
    assert after["tax"]["waiting"] == 2
    assert after["tax"]["longest_wait_seconds"] == 300
    assert after["general"]["waiting"] == 1
    assert after["invoice"]["waiting"] == 0
    assert after["tax"]["open_windows"] == 1  # window 1 serves the tax domain
    assert after["invoice"]["open_windows"] == 1
    assert after["general"]["open_windows"] == 0

    api.act(1, "call-next")
    assert services()["tax"]["waiting"] == 1


def test_services_are_closed_outside_hours(api):
    api.clock.set(local(2026, 11, 25, 12, 30))
    assert not any(s["open_now"] for s in api.ok("GET", "halls/main/services")["services"])
    branch = api.ok("GET", "halls/branch/services")["services"]
    assert [s["open_now"] for s in branch] == [True]


def test_services_of_an_unknown_hall(api):
    api.error(api.get("halls/nope/services"), 404, "not_found", "nope")


def test_snapshot_draws_the_whole_hall(api):
    api.open(1, 3)
    first = api.issue("tax")
    api.issue("tax")
    api.act(1, "call-next")
    snap = api.ok("GET", "halls/main/snapshot", "board")
    assert snap["hall"]["code"] == "main"
    assert snap["hall"]["notice"] == "请保管好您的号票"
    assert snap["hall"]["zones"] == [{"code": "a", "name": "一楼A区"}]
    assert snap["hall"]["undifferentiated"] == ["general"]
    assert snap["server_time"] == "2026-11-25T01:00:00Z"
    windows = {w["number"]: w for w in snap["windows"]}
    assert sorted(windows) == [1, 2, 3, 4, 9]
    assert windows[1]["state"] == "open" and windows[2]["state"] == "closed"
    assert windows[1]["current"]["number"] == "A001"
    assert windows[1]["current"]["id"] == first["id"]
    assert windows[3]["current"] is None
    assert snap["queues"]["tax"] == {"waiting": 1, "longest_wait_seconds": 0}
    assert [s["code"] for s in snap["services"]] == ["tax", "invoice", "general", "idonly"]
    assert [c["number"] for c in snap["recent_calls"]] == ["A001"]
    assert snap["recent_calls"][0]["window"]["name"] == "税务综合窗口"


def test_windows_list_state_services_and_clerk(api):
    api.token("clerk2")  # signing in seats the clerk at window 2
    api.open(3)
    body = api.ok("GET", "halls/main/windows", "manager")
    assert body["hall"] == "main"
    windows = {w["number"]: w for w in body["windows"]}
    assert windows[2]["clerk"] == "clerk2"
    assert [s["code"] for s in windows[2]["services"]] == ["tax"]
    assert [s["code"] for s in windows[1]["services"]] == ["tax", "invoice"]
    assert windows[3]["kind"] == "undifferentiated"
    assert windows[3]["state"] == "open" and windows[3]["state_label"] == "正在服务"
    assert windows[9]["kind"] == "delivery"


def test_snapshot_and_windows_need_a_token_of_the_hall(api):
    for path in ("halls/main/snapshot", "halls/main/windows"):
        api.error(api.get(path), 401, "unauthorized", "Bearer")
        api.error(api.get(path, "kiosk_branch"), 403, "forbidden", "main")
        api.error(api.get(path, "branch_manager"), 403, "forbidden", "main")
        for who in ("board", "kiosk", "agent", "clerk1", "manager", "admin"):
            assert api.get(path, who).status_code == 200, (path, who)
    api.error(api.get("halls/nope/snapshot", "admin"), 404, "not_found", "nope")
    api.error(api.get("halls/nope/windows", "admin"), 404, "not_found", "nope")
    api.error(api.get("halls/nope/snapshot", "manager"), 403, "forbidden", "nope")


def test_unknown_address_and_wrong_method_answer_in_json(api):
    err = api.error(api.get("no/such/thing"), 404, "not_found", "openapi.json")
    assert "details" not in err
    api.error(api.request("DELETE", "halls"), 405, "method_not_allowed", "method")
    api.error(api.get("windows/main-1/call-next", "manager"), 405, "method_not_allowed")
    api.error(api.request("PUT", "halls/main/tickets", "kiosk"), 405, "method_not_allowed")
    big = "{" + " " * (300 * 1024) + "}"
    api.error(
        api.post("halls/main/tickets", "kiosk", data=big, content_type="application/json"),
        413,
        "too_large",
        "256 KiB",
    )
