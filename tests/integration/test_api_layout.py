"""The hall's live layout through the API: read it, change it in one atomic step, undo the
newest change; who may; what is refused; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures

ADD_INVOICE = {"op": "assign", "window": 2, "services": ["invoice"], "mode": "add"}


def services_of(api, number: int) -> list[str]:
    windows = api.ok("GET", "halls/main/windows", "manager")["windows"]
    return [s["code"] for w in windows if w["number"] == number for s in w["services"]]


def test_read_the_layout(api):
    layout = api.ok("GET", "halls/main/layout", "manager")
    assert layout["hall"] == "main" and layout["layout_version"] == 0
    assert [w["number"] for w in layout["windows"]] == [1, 2, 3, 4, 9]
    assert layout["undifferentiated"] == ["general"]
    assert layout["history"] == [] and layout["undo"] is None
    assert layout["uncovered"] == []
    assert layout["share"]["meets_target"] is True
    assert api.get("halls/main/layout", "board").status_code == 200
    api.error(api.get("halls/main/layout"), 401, "unauthorized")
    api.error(api.get("halls/main/layout", "kiosk_branch"), 403, "forbidden", "main")
    api.error(api.get("halls/nope/layout", "admin"), 404, "not_found", "nope")


def test_change_then_undo(api):
    api.issue("invoice")
    api.open(2)
    api.error(api.post("windows/main-2/call-next", "manager"), 409, "nothing_waiting")
    change = api.ok(
        "POST", "halls/main/layout", "manager", json={"ops": [ADD_INVOICE], "note": "午高峰"}
    )
    assert change["changed_windows"] == [2] and change["layout_version"] == 1
    assert change["summary"] == (
        "2号窗口办理：税务综合、发票业务（午高峰） / window 2 serves tax, invoice (午高峰)"
    )
    assert change["layout"]["undo"] == {"id": change["history_id"], "summary": change["summary"]}
    assert services_of(api, 2) == ["tax", "invoice"]
    assert api.act(2, "call-next")["number"] == "B001"  # the new service is live at once
    api.act(2, "complete")

    undo = api.ok("POST", "halls/main/layout/undo", "manager")
    assert undo["layout_version"] == 2 and undo["changed_windows"] == [2]
    assert undo["summary"].startswith("撤销：") and " / undo: " in undo["summary"]
    assert services_of(api, 2) == ["tax"]
    history = undo["layout"]["history"]
    assert [(h["action"], h["undone"]) for h in history] == [("undo", False), ("change", True)]
    api.error(
        api.post("halls/main/layout/undo", "manager"),
        400,
        "invalid_request",
        "no layout change to undo",
    )


def test_a_change_made_on_a_stale_screen_is_refused(api):
    api.ok("POST", "halls/main/layout", "manager", json={"ops": [ADD_INVOICE], "base_version": 0})
    err = api.error(
        api.post(
            "halls/main/layout",
            "manager",
            json={"ops": [{"op": "kind", "window": 1, "kind": "department"}], "base_version": 0},
        ),
        409,
        "concurrent_update",
        "refresh and try again",
    )
    assert err["details"] == {"layout_version": 1}


@pytest.mark.parametrize(
    ("ops", "status", "code", "needle"),
    [
        ([], 400, "invalid_request", "ops"),
        ([{"op": "fly"}], 400, "invalid_request", "'fly'"),
        ([{"op": "assign", "window": 0}], 400, "invalid_request", "ops.0"),
        ([{"op": "assign", "window": 2, "services": ["visa"]}], 400, "invalid_request", "visa"),
        ([{"op": "assign", "window": 7, "services": ["tax"]}], 400, "invalid_request", "window 7"),
        (
            [{"op": "assign", "window": 2, "services": ["tax"]}],
            400,
            "invalid_request",
            "leaves the layout as it is",
        ),
        (
            [{"op": "remove_window", "window": 2}],
            400,
            "invalid_request",
            "only temporary windows can be removed",
        ),
        (
            [{"op": "move", "service": "tax", "from_window": 2, "to_window": 2}],
            400,
            "invalid_request",
            "same window",
        ),
        ([{"op": "add_window", "number": 1}], 400, "invalid_request", "window 1 exists"),
        ([{"op": "add_window", "zone": "b"}], 400, "invalid_request", "no zone 'b' (zones: a)"),
        ([{"op": "add_window", "zone": "z" * 41}], 400, "invalid_request", "at most 40"),
    ],
)
def test_refused_changes(api, ops, status, code, needle):
    api.error(api.post("halls/main/layout", "manager", json={"ops": ops}), status, code, needle)
    assert api.ok("GET", "halls/main/layout", "manager")["layout_version"] == 0


def test_a_temporary_window_comes_and_goes(api):
    change = api.ok(
        "POST",
        "halls/main/layout",
        "manager",
        json={
            "ops": [
                {
                    "op": "add_window",
                    "number": 5,
                    "name": "临时窗口",
                    "domains": ["tax"],
                    "zone": "a",
                    "area": "一楼东侧",
                }
            ]
        },
    )
    assert change["changed_windows"] == [5]
    [added] = [w for w in change["layout"]["windows"] if w["number"] == 5]
    assert (added["zone"], added["area"]) == ("a", "一楼东侧")
    assert services_of(api, 5) == ["tax", "invoice"]
    api.issue("tax")
    api.open(5)
    api.act(5, "call-next")
    remove = {"ops": [{"op": "remove_window", "window": 5}]}
    api.error(
        api.post("halls/main/layout", "manager", json=remove),
        409,
        "window_busy",
        "window 5 still holds A001",
    )
    api.error(
        api.post("halls/main/layout/undo", "manager"), 409, "window_busy", "window 5 holds A001"
    )
    api.act(5, "complete")
    api.act(5, "close")
    api.ok("POST", "halls/main/layout", "manager", json=remove)
    api.error(api.post("windows/main-5/open", "manager"), 404, "not_found", "no window 5")


def test_who_may_change_the_layout(api):
    body = {"ops": [ADD_INVOICE]}
    for path in ("halls/main/layout", "halls/main/layout/undo"):
        api.error(api.post(path, json=body), 401, "unauthorized")
        for who in ("clerk1", "supervisor", "kiosk", "board", "agent"):
            api.error(api.post(path, who, json=body), 403, "forbidden", "hall manager")
        api.error(api.post(path, "branch_manager", json=body), 403, "forbidden", "main")
    api.error(api.post("halls/nope/layout", "admin", json=body), 404, "not_found", "nope")
    assert api.post("halls/main/layout", "admin", json=body).status_code == 200
