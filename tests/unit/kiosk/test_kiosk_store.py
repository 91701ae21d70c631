"""The outbox file: rows survive closing and opening again, a pending issue turns into its
report in one transaction, and one agent at a time holds a data directory."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from kiosk.store import OutboxStore, StoreError


def test_rows_survive_reopening(tmp_path):
    store = OutboxStore(tmp_path)
    first = store.insert("print_failed", {"ticket_id": "t1", "number": "A001", "args": ["缺纸", 3]})
    issue = store.insert("issue", {"service": "tax"}, key="k1")
    assert first is not None and issue is not None
    store.close()
    again = OutboxStore(tmp_path)
    try:
        rows = again.rows()
        assert [(r.kind, r.key) for r in rows] == [("print_failed", None), ("issue", "k1")]
        assert rows[0].data["args"] == ["缺纸", 3]
        assert rows[0].id == first.id
    finally:
        again.close()


def test_a_key_is_stored_once_and_replaced_in_one_transaction(tmp_path):
    store = OutboxStore(tmp_path)
    try:
        assert store.insert("issue", {"service": "tax"}, key="k1") is not None
        assert store.insert("issue", {"service": "tax"}, key="k1") is None  # "try again"
        report = store.insert("print_failed", {"number": "A002"}, replacing="k1")
        assert [r.kind for r in store.rows()] == ["print_failed"]
        assert report is not None
        store.delete(report.id)
        assert store.rows() == []
        assert store.delete_key("k1") is False
    finally:
        store.close()


def test_what_another_process_sees_is_committed(tmp_path):
    """Each change is on disk when the call returns (another process reads it)."""
    store = OutboxStore(tmp_path)
    try:
        store.insert("issue", {"service": "tax"}, key="k9")
        probe = (
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]);"
            "print(db.execute('select kind, key from entries').fetchall())"
        )
        out = subprocess.run([sys.executable, "-c", probe, str(tmp_path / OutboxStore.FILE)],
                             capture_output=True, text=True, check=True).stdout
        assert out.strip() == "[('issue', 'k9')]"
        mode = sqlite3.connect(tmp_path / OutboxStore.FILE).execute("PRAGMA journal_mode")
        assert mode.fetchone()[0] == "wal"
    finally:
        store.close()


def test_one_store_per_directory_and_the_lock_goes_with_it(tmp_path):
    store = OutboxStore(tmp_path)
    with pytest.raises(StoreError, match="另一个取号机程序") as info:
        OutboxStore(tmp_path)
    assert "another kiosk agent" in str(info.value)
    store.close()
    OutboxStore(tmp_path).close()


def test_a_directory_it_cannot_make_says_which_setting(tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(StoreError, match=r"\[storage\] data_dir or --data-dir") as info:
        OutboxStore(tmp_path / "a-file" / "kiosk")
    assert str(info.value).startswith("无法使用数据目录")


def test_in_memory_for_tools_and_tests():
    store = OutboxStore(None)
    store.insert("reprinted", {"number": "A003"})
    assert [r.kind for r in store.rows()] == ["reprinted"] and store.path is None
    store.close()
