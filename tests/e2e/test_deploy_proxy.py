"""deploy/nginx/onewindow.conf as a hall installs it: nginx accepts it (`nginx -t`), and a
real nginx with it in front of a real `onewindow serve` ends TLS, redirects plain HTTP, passes
the API through and carries the Socket.IO websocket: a board connected through the proxy
gets its snapshot and the events of tickets issued through the proxy."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from testkit import ROOT, Listener, free_port

pytestmark = [pytest.mark.slow]
CONF = ROOT / "deploy" / "nginx" / "onewindow.conf"


def site_for_test(tmp: Path, upstream: int, http_port: int, https_port: int) -> Path:
    """The shipped file with only what a hall edits changed: ports, certificate paths."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=hall.example.gov.cn",
         "-keyout", str(tmp / "privkey.pem"), "-out", str(tmp / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    text = CONF.read_text(encoding="utf-8")
    edits = {
        "server 127.0.0.1:8080;": f"server 127.0.0.1:{upstream};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/ssl/onewindow/": f"{tmp}/",
        "/var/log/nginx/": f"{tmp}/",
    }
    for old, new in edits.items():
        assert old in text, f"{CONF.name} no longer has {old!r}: update this test"
        text = text.replace(old, new)
    (tmp / "site.conf").write_text(text, encoding="utf-8")
    main = tmp / "nginx.conf"
    main.write_text(
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        "http {\n  access_log off;\n"
        + "".join(
            f"  {kind}_temp_path {tmp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {tmp}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    return main


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def proxied(hall_server, tmp_path):
    server = hall_server()
    server.board = server.device("board-1", "board", "busy")
    server.kiosk = server.device("kiosk-1", "kiosk", "busy")
    server.start()
    http_port, https_port = free_port(), free_port()
    conf = site_for_test(tmp_path, server.port, http_port, https_port)
    checked = subprocess.run(["nginx", "-t", "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 10
        while not listening(http_port) or not listening(https_port):
            assert nginx.poll() is None and time.monotonic() < deadline, (
                tmp_path / "error.log"
            ).read_text()
            time.sleep(0.05)
        server.proxy_http, server.proxy_https, server.proxy_dir = http_port, https_port, tmp_path
        yield server
    finally:
        nginx.terminate()
        nginx.wait(10)


def https(
    port: int, method: str, path: str, body=None, token: str | None = None, *, raw: bool = False
):
    conn = http.client.HTTPSConnection(
        "127.0.0.1", port, context=ssl._create_unverified_context(), timeout=10
    )
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp if raw else (resp, json.loads(data or b"null"))


def test_nginx_in_front_passes_the_api_and_the_websocket(proxied):
    plain = http.client.HTTPConnection("127.0.0.1", proxied.proxy_http, timeout=10)
    board_page = f"/display/board?hall=busy&token={proxied.board}"
    plain.request("GET", board_page, headers={"Host": "hall.example.gov.cn"})
    moved = plain.getresponse()
    assert moved.status == 301
    assert moved.getheader("Location") == f"https://hall.example.gov.cn{board_page}"
    page = https(proxied.proxy_https, "GET", board_page, raw=True)
    assert page.status == 200 and "text/html" in page.getheader("Content-Type")

    resp, health = https(proxied.proxy_https, "GET", "/api/v1/health")
    assert resp.status == 200 and health["status"] == "ok"
    assert resp.getheader("X-Content-Type-Options") == "nosniff"

    board = Listener(
        f"https://127.0.0.1:{proxied.proxy_https}",
        {"token": proxied.board, "hall": "busy"},
        ssl_verify=False,
    )
    try:
        assert board.client.transport() == "websocket"
        assert board.next("snapshot")["hall"]["code"] == "busy"
        resp, ticket = https(
            proxied.proxy_https,
            "POST",
            "/api/v1/halls/busy/tickets",
            {"service": "tax"},
            proxied.kiosk,
        )
        assert resp.status == 201, ticket
        issued = board.next("ticket.issued")
        assert issued["ticket"]["number"] == ticket["number"] == "A001"
    finally:
        board.close()
    log = (proxied.proxy_dir / "onewindow.access.log").read_text(encoding="utf-8")
    assert "GET /display/board HTTP/1.1" in log and "POST /api/v1/halls/busy/tickets" in log
    assert proxied.board not in log and "token" not in log  # the page address's token is not kept
