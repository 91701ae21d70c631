"""The API's own description and the documents for people must not drift apart:
/api/v1/openapi.json documents every route with the real error body, docs/api.md has a section
for every operation (and none for an operation that is gone) naming its error statuses and
every error code, and docs/events.md names every event the services emit."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from typing import Any

import pytest
from test_api_support import HALL_TOML, ROOT, SECRET

API_MD = ROOT / "docs" / "api.md"
EVENTS_MD = ROOT / "docs" / "events.md"
SERVICES = ROOT / "queue_server" / "services"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from queue_server.app import create_app
    from queue_server.settings import Settings

    folder = tmp_path_factory.mktemp("docs")
    settings = Settings(
        config_path=HALL_TOML,
        database_url=f"sqlite:///{folder / 'docs.db'}",
        secret_key=SECRET,
        data_dir=folder,
        day_close_interval=0,
        access_check_seconds=0,  # tests call check_access themselves
    )
    server = create_app(settings)
    yield server.app
    server.runtime.store.dispose()


@pytest.fixture(scope="module")
def spec(app: Any) -> dict[str, Any]:
    resp = app.test_client().get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    return resp.get_json()


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    }


def sections(text: str) -> dict[tuple[str, str], str]:
    """`### \\`METHOD /path\\`` headings of docs/api.md and the text under each, with the
    introduction of its `## group` (what holds for every route of the group) in front."""
    found = {}
    for group in re.split(r"^## ", text, flags=re.M):
        parts = re.split(r"^### `([A-Z]+) (/\S+)`\s*$", group, flags=re.M)
        for i in range(1, len(parts), 3):
            found[(parts[i], parts[i + 1])] = parts[0] + parts[i + 2]
    return found


def test_openapi_documents_every_route(app, spec):
    assert spec["openapi"].startswith("3.")
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        routes |= {(m, path) for m in rule.methods or () if m.lower() in METHODS}
    assert routes == set(operations(spec))
    for (method, path), op in operations(spec).items():
        assert op.get("summary") and op.get("tags"), (method, path)
        if op.get("security"):
            assert "401" in op["responses"], (method, path)


def test_openapi_shows_the_real_error_body(spec):
    schemas = spec["components"]["schemas"]
    for name in ("HTTPError", "ValidationError"):
        error = schemas[name]["properties"]["error"]
        assert set(error["required"]) == {"code", "message"}
        assert set(error["properties"]) == {"code", "message", "details"}


def test_api_md_has_a_section_for_every_operation(spec):
    documented = sections(API_MD.read_text(encoding="utf-8"))
    ops = operations(spec)
    assert sorted(set(ops) - set(documented)) == [], "operations missing from docs/api.md"
    assert sorted(set(documented) - set(ops)) == [], "docs/api.md documents operations now gone"
    for key, op in ops.items():
        text = documented[key]
        for status in op["responses"]:
            if status.startswith(("4", "5")):
                assert re.search(rf"`{status}[` ]", text), f"{key}: status {status} not named"
        # and the other way round: every refusal the page names is in the spec, with the body
        named = set(re.findall(r"`([45]\d\d)[` ]", text))
        assert named <= set(op["responses"]), f"{key}: {named - set(op['responses'])} not in spec"
        for status in named:
            body = op["responses"][status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/HTTPError"} or "ValidationError" in str(
                body
            ), (key, status, body)


def test_api_md_explains_every_error_code():
    from queue_server.api.errors import HTTP_CODES
    from queue_server.domain.errors import DomainError

    for package in ("queue_server.services", "queue_server.api"):
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            importlib.import_module(f"{package}.{module.name}")

    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(c) for c in found)) if found else found

    codes = {cls.code for cls in subclasses(DomainError)}
    codes |= set(HTTP_CODES.values()) - {"conflict"}  # a bare HTTP 409; every 409 has a code
    table = API_MD.read_text(encoding="utf-8").split("## Errors", 1)[1].split("\n## ", 1)[0]
    missing = sorted(c for c in codes if f"`{c}`" not in table)
    assert missing == [], f"error codes missing from the table in docs/api.md: {missing}"


# --- events ----------------------------------------------------------------------------------
def emitted_events() -> set[str]:
    """Every event name that reaches `DomainEvent(name, …)`, followed through the helpers
    that pass a name along (ticket_event, window_event, _finish, …); f-strings over the
    window actions are expanded."""
    from queue_server.services.windows import ACTIONS

    trees = {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in SERVICES.glob("*.py")}
    sinks = {("DomainEvent", "name", 0)}
    names: set[str] = set()
    done: set[tuple[str, str, int]] = set()
    while sinks - done:
        func, param, index = (sinks - done).pop()
        done.add((func, param, index))
        for tree in trees.values():
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                params = [a.arg for a in node.args.args]
                for call in ast.walk(node):
                    if not isinstance(call, ast.Call):
                        continue
                    callee = getattr(call.func, "id", getattr(call.func, "attr", None))
                    if callee != func:
                        continue
                    arg = next((k.value for k in call.keywords if k.arg == param), None)
                    if arg is None and len(call.args) > index:
                        arg = call.args[index]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        names.add(arg.value)
                    elif isinstance(arg, ast.JoinedStr):
                        template = "".join(
                            v.value if isinstance(v, ast.Constant) else "{}" for v in arg.values
                        )
                        assert template == "window.{}", f"teach this test {template!r}"
                        names |= {template.format(a) for a in ACTIONS}
                    elif isinstance(arg, ast.Name) and arg.id in params:
                        sinks.add((node.name, arg.id, params.index(arg.id)))
    return names


def test_events_md_names_every_event():
    names = emitted_events()
    assert {"ticket.called", "window.pause", "hall.day_closed", "kiosk.print_failed"} <= names
    realtime = (ROOT / "queue_server" / "realtime.py").read_text(encoding="utf-8")
    names |= set(re.findall(r'emit\(\s*"([a-z_.]+)"', realtime))
    assert {"snapshot", "ticket.snapshot"} <= names
    text = EVENTS_MD.read_text(encoding="utf-8")
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert missing == [], f"events missing from docs/events.md: {missing}"


def test_optional_bodies_are_documented(spec):
    """Closing a window takes an optional reason: the spec says so (not required)."""
    body = operations(spec)[("POST", "/api/v1/windows/{window}/close")]["requestBody"]
    assert body["required"] is False
    schema = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "reason" in spec["components"]["schemas"][schema]["properties"]
