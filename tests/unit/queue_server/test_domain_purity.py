"""The rules of the hall import no web framework, database or device library."""

import ast
from pathlib import Path

import queue_server.domain as domain

FORBIDDEN = (
    "flask",
    "flask_socketio",
    "socketio",
    "sqlalchemy",
    "serial",
    "evdev",
    "escpos",
    "eventlet",
    "redis",
    "psycopg2",
    "apiflask",
    "werkzeug",
)


def test_domain_imports_nothing_forbidden():
    folder = Path(domain.__file__).parent
    offenders = []
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
