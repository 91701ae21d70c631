"""Accounts, sign-in sessions and device tokens. Only hashes of tokens are stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from . import tables as t


class AuthRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # users
    def user_by_name(self, username: str) -> Any:
        return self.conn.execute(select(t.users).where(t.users.c.username == username)).first()

    def user_by_id(self, user_id: int) -> Any:
        return self.conn.execute(select(t.users).where(t.users.c.id == user_id)).first()

    def list_users(self) -> list[Any]:
        return list(self.conn.execute(select(t.users).order_by(t.users.c.username)))

    def add_user(self, **values: Any) -> int:
        return int(
            self.conn.execute(insert(t.users).values(values).returning(t.users.c.id)).scalar_one()
        )

    def update_user(self, user_id: int, **values: Any) -> None:
        self.conn.execute(update(t.users).where(t.users.c.id == user_id).values(values))

    # failed sign-ins per client address
    def address_failures(self, address: str) -> Any:
        q = select(t.sign_in_failures).where(t.sign_in_failures.c.address == address)
        return self.conn.execute(q).first()

    def locked_address_row(self, address: str, now: datetime) -> Any:
        """The address's row, made if missing and locked until commit (several workers count
        one address's failures one at a time)."""
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        self.conn.execute(
            dialect.insert(t.sign_in_failures)
            .values(address=address, failures=0, first_at=now, locked_until=None)
            .on_conflict_do_nothing()
        )
        q = select(t.sign_in_failures).where(t.sign_in_failures.c.address == address)
        return self.conn.execute(q.with_for_update()).first()

    def update_address(self, address: str, **values: Any) -> None:
        self.conn.execute(
            update(t.sign_in_failures)
            .where(t.sign_in_failures.c.address == address)
            .values(values)
        )

    # sessions
    def add_session(self, **values: Any) -> None:
        self.conn.execute(insert(t.sessions).values(values))

    def session(self, token_hash: str) -> Any:
        q = (
            select(
                t.sessions,
                t.users.c.username,
                t.users.c.display_name,
                t.users.c.role,
                t.users.c.halls,
                t.users.c.active,
            )
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(t.sessions.c.token_hash == token_hash)
        )
        return self.conn.execute(q).first()

    def revoke_session(self, token_hash: str, at: datetime) -> None:
        self.conn.execute(
            update(t.sessions)
            .where(t.sessions.c.token_hash == token_hash, t.sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def seat_sessions(self, hall: str, window: int, now: datetime) -> list[Any]:
        """Live sessions signed in at one window: (token_hash, user_id, username)."""
        q = (
            select(t.sessions.c.token_hash, t.sessions.c.user_id, t.users.c.username)
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(
                t.sessions.c.hall == hall,
                t.sessions.c.window == window,
                t.sessions.c.revoked_at.is_(None),
                t.sessions.c.expires_at > now,
                t.users.c.active.is_(True),
            )
        )
        return list(self.conn.execute(q))

    def user_seats(self, user_id: int, now: datetime) -> list[Any]:
        """A user's live sessions at a window: (token_hash, hall, window)."""
        q = select(t.sessions.c.token_hash, t.sessions.c.hall, t.sessions.c.window).where(
            t.sessions.c.user_id == user_id,
            t.sessions.c.window.is_not(None),
            t.sessions.c.revoked_at.is_(None),
            t.sessions.c.expires_at > now,
        )
        return list(self.conn.execute(q))

    def revoke_sessions(self, token_hashes: list[str], at: datetime) -> None:
        if token_hashes:
            self.conn.execute(
                update(t.sessions)
                .where(t.sessions.c.token_hash.in_(token_hashes), t.sessions.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )

    def revoke_user_sessions(self, user_id: int, at: datetime) -> int:
        result = self.conn.execute(
            update(t.sessions)
            .where(t.sessions.c.user_id == user_id, t.sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(result.rowcount)

    # devices
    def add_device(self, **values: Any) -> int:
        return int(
            self.conn.execute(
                insert(t.devices).values(values).returning(t.devices.c.id)
            ).scalar_one()
        )

    def device(self, token_hash: str) -> Any:
        return self.conn.execute(
            select(t.devices).where(t.devices.c.token_hash == token_hash)
        ).first()

    def device_by_name(self, name: str) -> Any:
        return self.conn.execute(select(t.devices).where(t.devices.c.name == name)).first()

    def list_devices(self) -> list[Any]:
        return list(self.conn.execute(select(t.devices).order_by(t.devices.c.name)))

    def revoke_device(self, name: str, at: datetime) -> int:
        result = self.conn.execute(
            update(t.devices)
            .where(t.devices.c.name == name, t.devices.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(result.rowcount)
