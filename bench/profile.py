"""Where the server's time goes: a py-spy raw profile (collapsed stacks) summed up.

Two views: *self* time by the layer of the innermost frame that belongs to a known layer
(so time inside SQLAlchemy's call into sqlite3 counts as "SQLite"), and *inclusive* time of a
few use-case steps (any sample whose stack passes through them). Start-up (imports, migrations)
is left out; idle waits are not sampled by py-spy.

    python -m bench.profile issue.txt
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

# (label, pattern on "function (file:line)"), innermost match wins; order breaks ties only.
LAYERS = [
    (
        "SQLite (execute/commit in sqlite3)",
        # the Python frames that call into the sqlite3 C module
        r"(^|\.)(do_execute|do_execute_no_params|do_commit|do_rollback|do_begin) "
        r"\(.*sqlalchemy/engine/default\.py|"
        r"(^|\.)(fetchone|fetchall|fetchmany) \(.*sqlalchemy/engine/cursor\.py",
    ),
    ("SQLAlchemy (compile, rows, pool)", r"sqlalchemy/"),
    ("pydantic (validation, models)", r"pydantic|apiflask/schema_adapters|apiflask/scaffold"),
    ("APIFlask / marshmallow", r"apiflask/|marshmallow"),
    ("JSON encoding/decoding", r"json/|flask/json|werkzeug/.*json"),
    ("Flask / Werkzeug (routing, request, response)", r"flask/|werkzeug/|click/"),
    ("Socket.IO / Engine.IO emit", r"socketio/|engineio/|flask_socketio/"),
    ("eventlet (wsgi server, hub, green sockets)", r"eventlet/"),
    ("onewindow services/domain/adapters", r"queue_server/"),
]
_F = r"(^|\.)"  # py-spy names methods Class.method
STEPS = [
    ("issue_ticket (service)", _F + r"issue_ticket \("),
    ("  full_ticket_view (people ahead, estimate)", _F + r"full_ticket_view \("),
    ("  ticket_event (queue counts for the event)", _F + r"ticket_event \("),
    ("  next_number (counter upsert)", _F + r"next_number \(.*tickets_repo"),
    ("  insert the ticket", _F + r"add \(.*tickets_repo"),
    ("  audit insert", _F + r"audit \(.*adapters/uow"),
    ("  commit", _F + r"commit \(.*adapters/uow"),
    ("call_next (service)", _F + r"call_next \(.*services/calling"),
    ("complete (service)", _F + r"complete \(.*services/calling"),
    ("authenticate (token lookup)", _F + r"authenticate \(.*services/auth"),
    ("Realtime.publish (Socket.IO emits)", _F + r"publish \(.*queue_server/realtime"),
    ("Socket.IO writers (frames to each board)", r"_websocket_handler.<locals>.writer"),
    ("request body validation (pydantic)", r"pydantic.*validate|_validate_input|model_validate"),
    ("response: output schema + JSON", r"serialize_output|_jsonify"),
    ("snapshot on connect", _F + r"(hall_snapshot|snapshot) \("),
]
STARTUP = re.compile(r"create_app|<module>|_find_and_load|run_migrations|upgrade \(")


def _frames(stack: str) -> list[str]:
    return stack.split(";")


def load(path: Path) -> Counter[str]:
    """Sample counts by collapsed stack, start-up samples left out."""
    stacks: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit() and not STARTUP.search(stack):
            stacks[stack] += int(count)
    return stacks


def summarise(path: Path) -> str:
    stacks = load(path)
    total = sum(stacks.values())
    if not total:
        return f"{path}: no samples"
    layers: Counter[str] = Counter()
    compiled = [(label, re.compile(p)) for label, p in LAYERS]
    for stack, n in stacks.items():
        label = "other (stdlib, interpreter)"
        for frame in reversed(_frames(stack)):
            hit = next((lab for lab, rx in compiled if rx.search(frame)), None)
            if hit:
                label = hit
                break
        layers[label] += n
    steps: Counter[str] = Counter()
    for label, pattern in STEPS:
        rx = re.compile(pattern)
        steps[label] = sum(n for s, n in stacks.items() if any(rx.search(f) for f in _frames(s)))
    lines = [f"### Server profile ({total} busy samples, py-spy)", "", "self time by layer:"]
    lines += [f"  {n / total:6.1%}  {label}" for label, n in layers.most_common()]
    lines += ["", "inclusive time of steps:"]
    lines += [f"  {steps[label] / total:6.1%}  {label}" for label, _ in STEPS if steps[label]]
    return "\n".join(lines)


def tagged(profile: Path | None, tag: str) -> Path | None:
    """The profile file of one server of a run (`issue.txt` -> `issue-8c.txt`), or None."""
    return profile.with_name(f"{profile.stem}-{tag}{profile.suffix}") if profile else None


def print_summaries(profile: Path) -> None:
    """Every server profile `tagged` from `profile`, summed up."""
    for spy in sorted(profile.parent.glob(f"{profile.stem}-*{profile.suffix}")):
        print(f"\n{spy.name}\n" + summarise(spy))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m bench.profile PROFILE.txt", file=sys.stderr)
        return 2
    for name in args:
        print(summarise(Path(name)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
