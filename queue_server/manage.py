"""Command-line administration: accounts, device tokens, migrations, closing the day."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .adapters.store import Store
from .domain.clock import SystemClock
from .domain.errors import DomainError
from .domain.privacy import IdHasher
from .hallconfig import ConfigError, load_installation
from .services import accounts, auth
from .services.day import close_day
from .services.runtime import Runtime
from .settings import Settings


def runtime_for(args: argparse.Namespace) -> Runtime:
    settings = Settings(config_path=args.config, database_url=args.database, data_dir=args.data_dir)
    store = Store(settings.resolved_database_url())
    return Runtime.start(
        load_installation(settings.config_path),
        store,
        SystemClock(),
        IdHasher(settings.resolved_secret()),
    )


def run(args: argparse.Namespace, ask_password: Callable[[str], str]) -> int:
    try:
        rt = runtime_for(args)
        return _dispatch(rt, args, ask_password)
    except (DomainError, ConfigError) as exc:
        print(getattr(exc, "message", str(exc)), file=sys.stderr)
        return 1


def _dispatch(rt: Runtime, args: argparse.Namespace, ask_password: Callable[[str], str]) -> int:
    if args.command == "migrate":
        print(f"database {rt.store.url.render_as_string(hide_password=True)} is up to date")
        return 0
    if args.command == "close-day":
        for hall in rt.installation.halls:
            print(f"{hall.code}: {close_day(rt, hall.code)} ticket(s) expired")
        return 0
    if args.command == "user":
        return _user(rt, args, ask_password)
    return _device(rt, args)


def _user(rt: Runtime, args: argparse.Namespace, ask_password: Callable[[str], str]) -> int:
    if args.action == "add":
        password = args.password or ask_password(f"password for {args.username}: ")
        auth.create_user(rt, args.username, password, args.role, args.hall, args.name)
        print(f"user {args.username} ({args.role}) created")
    elif args.action == "list":
        with rt.uow(write=False) as uow:
            for u in uow.auth.list_users():
                state = "active" if u.active else "disabled"
                print(f"{u.username:20} {u.role:11} {','.join(u.halls or []) or '*':20} {state}")
    elif args.action == "disable":
        print(f"{auth.disable_user(rt, args.username)} session(s) ended; {args.username} disabled")
    else:
        print(f"{auth.sign_out_user(rt, args.username)} session(s) of {args.username} ended")
    return 0


def _device(rt: Runtime, args: argparse.Namespace) -> int:
    if args.action == "add":
        token = auth.create_device(rt, args.name, args.kind, args.hall)
        print(
            f"device {args.name} ({args.kind}, hall {args.hall}) token — shown once, keep it safe:"
        )
        print(token)
    elif args.action == "list":
        with rt.uow(write=False) as uow:
            for d in uow.auth.list_devices():
                state = "revoked" if d.revoked_at else "active"
                print(f"{d.name:24} {d.kind:6} {d.hall:20} {state}")
    else:
        count = accounts.revoke_device(rt, auth.SYSTEM, args.name)
        print(f"{count} device token(s) revoked")
    return 0
