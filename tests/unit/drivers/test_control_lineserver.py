"""drivers.control.LineServer: a real Unix socket, lines in, answers out, pipelined lines kept."""

import os
import socket

import pytest

from drivers.control import LineServer

pytestmark = pytest.mark.timeout(10)


def test_answers_each_line_in_order_even_when_sent_at_once(tmp_path):
    path = str(tmp_path / "sub" / "control")  # the folder is made
    server = LineServer(path, lambda line: f"ok {line.strip().upper()}", "test-control")
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(path)
            s.sendall(b"one\ntwo\n\xe5\x8f\xb7\n")
            with s.makefile("r", encoding="utf-8") as reader:
                assert [reader.readline() for _ in range(3)] == ["ok ONE\n", "ok TWO\n", "ok 号\n"]
    finally:
        server.close()
    assert not os.path.exists(path)


def test_a_stale_socket_file_is_replaced(tmp_path):
    path = str(tmp_path / "control")
    with socket.socket(socket.AF_UNIX) as dead:  # a process gone without removing its file
        dead.bind(path)
    second = LineServer(path, lambda line: "ok second", "test-control")
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(path)
            s.sendall(b"x\n")
            assert s.makefile("r", encoding="utf-8").readline() == "ok second\n"
    finally:
        second.close()
