"""Evaluations (好差评) through the API: the citizen with the ticket's id, the window's clerk
or its pad rate a ticket once; a clerk invites the citizen to rate; on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures

LEVELS = {"5": "非常满意", "4": "满意", "3": "基本满意", "2": "不满意", "1": "非常不满意"}


def served(api, window: int = 1, finish: bool = False) -> dict:
    """A tax ticket in service (or done) at a window (opened when closed)."""
    api.issue("tax")
    windows = api.ok("GET", "halls/main/windows", "board")["windows"]
    if next(w for w in windows if w["number"] == window)["state"] == "closed":
        api.open(window)
    ticket = api.act(window, "call-next")
    api.act(window, "start")
    if finish:
        api.act(window, "complete")
    return ticket


def test_the_citizen_rates_once(api):
    ticket = served(api, finish=True)
    body = api.ok("POST", f"tickets/{ticket['id']}/evaluate", status=201, json={"level": 2})
    assert body == {
        "ticket": ticket["id"],
        "number": "A001",
        "level": 2,
        "label": "不满意",
        "negative": True,
        "source": "citizen",
        "window": 1,
        "at": "2026-11-25T01:00:00Z",
    }
    err = api.error(
        api.post(f"tickets/{ticket['id']}/evaluate", json={"level": 5}),
        409,
        "already_evaluated",
        "one evaluation per visit",
    )
    assert err["details"] == {"ticket": ticket["id"]}
    stats = api.ok("GET", "halls/main/stats", "manager")["totals"]
    assert (stats["evaluations"], stats["negative_evaluations"]) == (1, 1)


def test_only_a_ticket_in_service_or_done_is_rated(api):
    waiting = api.issue("tax")
    api.error(
        api.post(f"tickets/{waiting['id']}/evaluate", json={"level": 5}),
        400,
        "invalid_request",
        "A001 is waiting",
    )
    api.error(api.post("tickets/nope/evaluate", json={"level": 5}), 404, "not_found", "nope")
    for level in (0, 6, "five", None):
        api.error(
            api.post(f"tickets/{waiting['id']}/evaluate", json={"level": level}),
            400,
            "invalid_request",
            "level",
        )


@pytest.mark.parametrize(
    ("who", "needle"),
    [
        ("clerk2", "served at your window"),
        ("supervisor", "you may not rate"),
        ("kiosk", "only evaluation pads"),
        ("branch_manager", "main"),
    ],
)
def test_who_may_not_rate(api, who, needle):
    ticket = served(api)
    api.error(
        api.post(f"tickets/{ticket['id']}/evaluate", who, json={"level": 5}),
        403,
        "forbidden",
        needle,
    )


@pytest.mark.parametrize(("who", "source"), [("clerk1", "clerk"), ("manager", "clerk")])
def test_staff_rate_for_the_citizen(api, who, source):
    ticket = served(api)
    body = api.ok("POST", f"tickets/{ticket['id']}/evaluate", who, 201, json={"level": 4})
    assert (body["source"], body["label"], body["negative"]) == (source, "满意", False)


def test_the_windows_pad_rates_the_ticket_in_service_or_just_finished(api):
    path = "halls/main/windows/1/evaluate"
    api.token("clerk1")  # a pad (agent device) works while a clerk is signed in
    api.error(
        api.post(path, "agent", json={"level": 5}),
        404,
        "not_found",
        "window 1 has no ticket to rate",
    )
    ticket = served(api, finish=True)
    api.clock.advance(minutes=10)
    body = api.ok("POST", path, "agent", 201, json={"level": 5})
    assert (body["ticket"], body["source"], body["label"]) == (ticket["id"], "pad", "非常满意")
    api.error(api.post(path, "agent", json={"level": 5}), 409, "already_evaluated")
    # half an hour later the finished ticket is no longer the window's to rate
    second = served(api, finish=True)
    api.clock.advance(minutes=31)
    api.error(api.post(path, "agent", json={"level": 3}), 404, "not_found", "no ticket to rate")
    assert second["number"] == "A002"


def test_window_evaluation_errors(api):
    body = {"level": 5}
    api.error(api.post("halls/main/windows/1/evaluate", json=body), 401, "unauthorized")
    api.error(
        api.post("halls/main/windows/1/evaluate", "kiosk", json=body),
        403,
        "forbidden",
        "only evaluation pads",
    )
    api.error(
        api.post("halls/main/windows/2/evaluate", "clerk1", json=body),
        403,
        "forbidden",
        "your window",
    )
    api.error(
        api.post("halls/main/windows/7/evaluate", "manager", json=body),
        404,
        "not_found",
        "no window 7",
    )
    api.error(
        api.post("halls/nope/windows/1/evaluate", "admin", json=body), 404, "not_found", "nope"
    )
    api.error(
        api.post("halls/main/windows/1/evaluate", "manager", json={}),
        400,
        "invalid_request",
        "level",
    )


def test_the_clerk_invites_the_citizen_to_rate(api):
    ticket = served(api)
    body = api.ok("POST", "halls/main/windows/1/invite-evaluation", "clerk1")
    assert body == {
        "window": 1,
        "ticket": ticket["id"],
        "levels": LEVELS,
        "at": "2026-11-25T01:00:00Z",
    }
    assert (
        api.ok("POST", "halls/main/windows/1/invite-evaluation", "agent")["ticket"]
        == (ticket["id"])
    )
    path = "halls/main/windows/1/invite-evaluation"
    api.error(api.post(path), 401, "unauthorized")
    api.error(api.post(path, "clerk2"), 403, "forbidden", "cannot act at window 1")
    api.error(api.post(path, "kiosk"), 403, "forbidden")
    api.error(
        api.post("halls/main/windows/2/invite-evaluation", "manager"),
        404,
        "not_found",
        "window 2 has no ticket to rate",
    )
    api.error(
        api.post("halls/main/windows/7/invite-evaluation", "manager"),
        404,
        "not_found",
        "no window 7",
    )


def test_the_phone_page_knows_the_ticket_was_rated(api):
    """The phone's page (`/t/<id>`) offers the levels while the ticket is not rated, and
    once rated, whoever rated it, carries the rating instead (a second visit shows it)."""
    import json
    import re

    def page_config(ticket_id: str) -> dict:
        resp = api.client.get(f"/t/{ticket_id}")
        assert resp.status_code == 200
        found = re.search(
            r'<script id="config" type="application/json">(.*?)</script>',
            resp.get_data(as_text=True),
            re.S,
        )
        assert found is not None
        return json.loads(found[1])

    ticket = served(api)
    config = page_config(ticket["id"])
    assert config["evaluation"] is None
    assert config["rateable"] == ["serving", "done"]
    assert config["levels"]["5"] == ["非常满意", "Very satisfied"]
    assert config["levels"]["1"] == ["非常不满意", "Very dissatisfied"]
    api.ok("POST", f"tickets/{ticket['id']}/evaluate", status=201, json={"level": 1})
    rated = page_config(ticket["id"])["evaluation"]
    assert rated == {
        "level": 1,
        "label": "非常不满意",
        "negative": True,
        "source": "citizen",
        "at": "2026-11-25T01:00:00Z",
    }
