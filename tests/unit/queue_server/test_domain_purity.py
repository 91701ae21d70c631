"""The rules of the hall import no web framework, database or device library: not directly,
not through a relative import, not through anything they import in turn."""

import json
import subprocess
import sys

FORBIDDEN = {
    "flask",
    "flask_socketio",
    "socketio",
    "engineio",
    "sqlalchemy",
    "alembic",
    "serial",
    "evdev",
    "escpos",
    "eventlet",
    "redis",
    "psycopg2",
    "apiflask",
    "werkzeug",
}

# Import every module of the domain in a fresh interpreter and list what got loaded.
PROBE = """
import importlib, json, pkgutil, sys
import queue_server.domain as domain
for info in pkgutil.iter_modules(domain.__path__):
    importlib.import_module(f"queue_server.domain.{info.name}")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_by_the_domain() -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out))


def test_domain_loads_nothing_forbidden():
    loaded = loaded_by_the_domain()
    assert "queue_server" in loaded  # the probe did import the domain
    assert loaded & FORBIDDEN == set()
