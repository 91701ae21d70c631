"""Access is checked again while a client stays connected: a board whose device token is
revoked, or a console whose session ends, is disconnected at once when that happens in the
same process, and on the next periodic check when another process (a second worker, the
command line) did it; its reconnection is then refused. Phones (ticket rooms) hold no token."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_api_support import HALL_TOML, SECRET
from testkit import eventually

from queue_server.services import accounts, auth
from queue_server.services.auth import SYSTEM

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


def connect(server, **auth_payload):
    return server.socketio.test_client(server.app, auth=auth_payload)


def test_a_revoked_board_is_disconnected_at_once_and_refused_after(api):
    token = api.token("board")
    board = connect(api.server, token=token, hall="main")
    other = connect(api.server, token=api.token("kiosk"), hall="main")
    ticket = api.issue("general")
    phone = connect(api.server, ticket=ticket["id"])
    assert board.is_connected() and other.is_connected() and phone.is_connected()

    accounts.revoke_device(api.rt, SYSTEM, "board")
    eventually(lambda: not board.is_connected(), what="the disconnection")
    assert other.is_connected() and phone.is_connected()  # only that token's clients go
    again = connect(api.server, token=token, hall="main")
    assert not again.is_connected()


def test_sign_out_everywhere_drops_the_consoles_of_that_account(api):
    clerk = connect(api.server, token=api.token("clerk1"), hall="main", window=1)
    manager = connect(api.server, token=api.token("manager"), hall="main")
    assert clerk.is_connected() and manager.is_connected()
    auth.sign_out_user(api.rt, "clerk1", "admin")
    eventually(lambda: not clerk.is_connected(), what="the disconnection")
    assert manager.is_connected()


def test_a_revocation_made_elsewhere_is_found_by_the_periodic_check(api, db_url, clock):
    """Two servers on one database: revoked through the first, the board connected to the
    second is dropped by the second's check (the loop calls the same method)."""
    from queue_server.app import create_app
    from queue_server.settings import Settings

    data = Path(api.data_dir).parent / "second"
    second = create_app(
        Settings(
            config_path=HALL_TOML,
            database_url=db_url,
            secret_key=SECRET,
            data_dir=data,
            day_close_interval=0,
            access_check_seconds=0,
        ),
        clock=clock,
    )
    try:
        token = api.token("board")
        board = connect(second, token=token, hall="main")
        assert board.is_connected()
        assert second.realtime.check_access() == 0  # nothing revoked yet: nobody dropped
        accounts.revoke_device(api.rt, SYSTEM, "board")  # in the first server's process
        assert board.is_connected()  # the second has not looked yet
        assert second.realtime.check_access() == 1
        assert not board.is_connected()
    finally:
        second.runtime.store.dispose()


def test_a_database_outage_disconnects_no_one(api, monkeypatch):
    board = connect(api.server, token=api.token("board"), hall="main")

    def down(*args, **kwargs):
        raise OSError("database unreachable")

    monkeypatch.setattr("queue_server.realtime.authenticate", down)
    with pytest.raises(OSError):
        api.server.realtime.check_access()
    assert board.is_connected()
