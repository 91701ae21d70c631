"""A render co-process: call-outs are rendered outside the server's event loop.

Speech synthesis and WAV assembly are CPU work; inside an eventlet server they would stall
every connection. The server keeps one long-lived `python -m display.voice.worker` child (so
pypinyin is imported once, not per phrase) and talks to it over pipes, which are cooperative
under eventlet and plain blocking I/O under threads: no async-mode specific code.

Protocol: one JSON object per line on stdin, `{"speech": str, "repeat": int, "chime": bool}`;
one JSON line back, `{"path": "/cache/dir/<key>.wav"}` or
`{"error": {"code": str, "message": str}}`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from display.voice.cache import DEFAULT_MAX_BYTES, VoiceCache
from display.voice.engine import EspeakPinyinEngine, SpeechEngine
from display.voice.errors import EngineUnavailable, RenderError, VoiceError

log = logging.getLogger(__name__)
IDLE_S = 600.0


def load_engine(spec: str | None = None) -> SpeechEngine:
    """The speech engine named by `spec`, "package.module:attribute" (a class or factory taking
    no arguments), or espeak-ng with pinyin when `spec` is empty. The attribute is called in
    the server process too (the cache keys on `engine_id` and `settings_key()`), so it must
    not load a model when constructed: load it on the first `render`."""
    if not spec:
        return EspeakPinyinEngine()
    module_name, _, attribute = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute or "Engine")
    except (ImportError, AttributeError) as exc:
        raise EngineUnavailable(
            f"找不到语音引擎 {spec}（{exc}），请检查 ONEWINDOW_VOICE_ENGINE。"
            f" No speech engine {spec} ({exc}): check ONEWINDOW_VOICE_ENGINE."
        ) from exc
    engine = factory()
    if not isinstance(engine, SpeechEngine):
        raise EngineUnavailable(
            f"{spec} 不是语音引擎（需要 engine_id、settings_key()、render()）。"
            f" {spec} is not a speech engine (engine_id, settings_key(), render() are needed)."
        )
    return engine


def serve(
    cache: VoiceCache, requests: IO[str], replies: IO[str], idle_s: float | None = None
) -> int:
    """Answer render requests until stdin closes, or until `idle_s` pass without one (the
    server starts a new worker when it needs one). The server sends one request at a time,
    so waiting on the pipe with select() never misses a line already buffered."""
    while True:
        if idle_s is not None:
            ready, _, _ = select.select([requests], [], [], idle_s)
            if not ready:
                return 0
        line = requests.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        replies.write(json.dumps(handle(cache, line), ensure_ascii=False) + "\n")
        replies.flush()


def handle(cache: VoiceCache, line: str) -> dict[str, Any]:
    """One request line -> one reply object (never raises)."""
    try:
        request = json.loads(line)
        path = cache.get_or_render_speech(
            str(request["speech"]), int(request.get("repeat", 2)), bool(request.get("chime", True))
        )
        return {"path": str(path)}
    except VoiceError as exc:
        return {"error": {"code": type(exc).__name__, "message": str(exc)}}
    except (ValueError, KeyError, TypeError) as exc:
        return {"error": {"code": "bad_request", "message": f"错误的请求 / bad request: {exc}"}}


class RenderWorker:
    """The server's side: `render(speech, repeat, chime) -> Path`, one request at a time.

    The child is started on first use and restarted once if it died. Callers are serialised
    by a lock (rendering takes tens of milliseconds; a hall calls every few seconds).
    """

    def __init__(
        self,
        directory: Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
        idle_s: float = IDLE_S,
        engine: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.engine = engine
        self.max_bytes = max_bytes
        self.idle_s = idle_s
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "display.voice.worker",
            "--cache-dir",
            str(self.directory),
            "--max-bytes",
            str(self.max_bytes),
            "--idle",
            str(self.idle_s),
            *(["--engine", self.engine] if self.engine else []),
        ]

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            root = Path(__file__).resolve().parents[2]
            self._proc = subprocess.Popen(
                self._command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=root,
            )
        return self._proc

    def _ask(self, message: bytes) -> bytes:
        proc = self._ensure()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(message)
            proc.stdin.flush()
            return proc.stdout.readline()
        except (BrokenPipeError, OSError):
            return b""

    def render(self, speech: str, repeat: int = 2, chime: bool = True) -> Path:
        message = (
            json.dumps({"speech": speech, "repeat": repeat, "chime": chime}, ensure_ascii=False)
            + "\n"
        ).encode()
        with self._lock:
            answer = self._ask(message)
            if not answer:  # the child died: start a fresh one and try once more
                self._stop()
                answer = self._ask(message)
        if not answer:
            raise RenderError(
                "语音合成进程意外退出，请查看服务器日志。"
                " The speech render process exited unexpectedly: see the server log."
            )
        reply = json.loads(answer)
        if "error" in reply:
            raise RenderError(reply["error"]["message"])
        return Path(reply["path"])

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()

    def close(self) -> None:
        with self._lock:
            self._stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m display.voice.worker", description=__doc__)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    parser.add_argument("--idle", type=float, default=IDLE_S, help="exit after N idle seconds")
    parser.add_argument("--engine", help="package.module:Class (default: espeak-ng, pinyin)")
    args = parser.parse_args(argv)
    cache = VoiceCache(args.cache_dir, load_engine(args.engine), max_bytes=args.max_bytes)
    return serve(cache, sys.stdin, sys.stdout, args.idle)


if __name__ == "__main__":
    raise SystemExit(main())
