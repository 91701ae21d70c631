"""The render co-process: its line protocol in-process, and the real child behind RenderWorker
(started on first use, restarted after it died or went idle)."""

from __future__ import annotations

import io
import json
import wave

import pytest

from display.voice.cache import VoiceCache
from display.voice.engine import EspeakPinyinEngine
from display.voice.errors import RenderError
from display.voice.worker import RenderWorker, handle, serve


class ToneEngine:
    """A stand-in speech engine (no espeak-ng): half a second of a tone as a WAV."""

    engine_id = "tone"

    def settings_key(self) -> str:
        return "1"

    def render(self, text: str) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(b"\x00\x40" * 4000)
        return out.getvalue()


def test_the_line_protocol(tmp_path):
    cache = VoiceCache(tmp_path, ToneEngine())
    requests = io.StringIO(
        json.dumps({"speech": "请A 零零一号", "repeat": 1, "chime": False})
        + "\n\n"
        + "not json\n"
        + json.dumps({"repeat": 1})
        + "\n"
        + json.dumps({"speech": "请", "repeat": 9})
        + "\n"
    )
    replies = io.StringIO()
    assert serve(cache, requests, replies) == 0
    answers = [json.loads(line) for line in replies.getvalue().splitlines()]
    assert len(answers) == 4
    path = answers[0]["path"]
    assert path.endswith(".wav") and (tmp_path / path.rsplit("/", 1)[1]).is_file()
    assert answers[1]["error"]["code"] == "bad_request"
    assert answers[2]["error"]["code"] == "bad_request"  # no speech
    assert answers[3]["error"]["code"] == "bad_request"  # repeat out of range
    assert "1..5" in answers[3]["error"]["message"]


def test_a_failing_engine_is_reported_not_raised(tmp_path):
    class Broken(ToneEngine):
        def render(self, text: str) -> bytes:
            raise RenderError("语音引擎坏了 / the engine broke")

    reply = handle(VoiceCache(tmp_path, Broken()), json.dumps({"speech": "请"}))
    assert reply == {"error": {"code": "RenderError", "message": "语音引擎坏了 / the engine broke"}}


def test_render_worker_runs_the_real_child(tmp_path):
    worker = RenderWorker(tmp_path, idle_s=0.5)
    try:
        first = worker.render("请A 零零一号到三号窗口办理", 1, True)
        assert first.parent == tmp_path and first.stat().st_size > 50_000
        key = VoiceCache(tmp_path, EspeakPinyinEngine()).key("请A 零零一号到三号窗口办理", 1, True)
        assert first.name == f"{key}.wav"  # the server finds the file by the same key
        child = worker._proc
        assert child is not None and child.poll() is None
        assert child.wait(timeout=15) == 0  # idle (0.5 s): the child leaves by itself ...
        again = worker.render("请A 零零二号到三号窗口办理", 1, True)  # ... and a new one starts
        assert again.is_file() and again != first
        worker._proc.kill()  # killed: the next request starts another
        worker._proc.wait()
        assert worker.render("请A 零零三号", 1, False).is_file()
        with pytest.raises(RenderError, match="1..5"):
            worker.render("请", 7, True)
    finally:
        worker.close()
    assert worker._proc is None


TONE_MODULE = """
import io, wave

class ToneEngine:
    engine_id = "tone"

    def settings_key(self):
        return "1"

    def render(self, text):
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(b"\\x00\\x40" * 4000)
        return out.getvalue()
"""


def test_another_engine_by_name(tmp_path, monkeypatch):
    from display.voice.errors import EngineUnavailable
    from display.voice.worker import load_engine

    (tmp_path / "tone_engine.py").write_text(TONE_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # for the child process
    assert load_engine("tone_engine:ToneEngine").engine_id == "tone"
    assert isinstance(load_engine(None), EspeakPinyinEngine)
    with pytest.raises(EngineUnavailable, match="ONEWINDOW_VOICE_ENGINE"):
        load_engine("tone_engine:Nothing")
    with pytest.raises(EngineUnavailable, match="not a speech engine"):
        load_engine("io:BytesIO")
    worker = RenderWorker(tmp_path / "cache", engine="tone_engine:ToneEngine")
    try:
        path = worker.render("请A 零零一号", 1, True)
    finally:
        worker.close()
    with wave.open(str(path)) as w:
        assert w.getframerate() == 8000  # the chime follows the engine's rate
        assert w.getnframes() > 4000
