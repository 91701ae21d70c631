"""The on-disk cache of rendered call-outs, with the real espeak-ng engine."""

import os
import threading
import time
import wave
from pathlib import Path

from display.voice.cache import VoiceCache
from display.voice.engine import EspeakPinyinEngine, EspeakSettings, render_announcement
from display.voice.text import DEFAULT_TEMPLATE


class CountingEngine(EspeakPinyinEngine):
    """The real espeak-ng engine, counting how often it is asked to speak."""

    def __init__(self, settings: EspeakSettings | None = None) -> None:
        super().__init__(settings)
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def render(self, text: str) -> bytes:
        with self._lock:
            self.calls.append(text)
        return super().render(text)


def test_voice_cache_hit_does_not_render_again(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = VoiceCache(tmp_path, engine)
    first = cache.get_or_render(DEFAULT_TEMPLATE, "A001", "3")
    content = first.read_bytes()
    second = cache.get_or_render(DEFAULT_TEMPLATE, "A001", 3)
    assert second == first
    assert second.read_bytes() == content
    assert engine.calls == ["请A 零零一号到三号窗口办理"]
    assert content == render_announcement(DEFAULT_TEMPLATE, "A001", "3")
    with wave.open(str(first)) as wav:
        assert wav.getnframes() > 0


def test_voice_cache_keys_on_text_repeat_chime_and_settings(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = VoiceCache(tmp_path, engine)
    paths = {
        cache.get_or_render(DEFAULT_TEMPLATE, "A001", "3"),
        cache.get_or_render(DEFAULT_TEMPLATE, "A002", "3"),
        cache.get_or_render(DEFAULT_TEMPLATE, "A001", "3", repeat=1),
        cache.get_or_render(DEFAULT_TEMPLATE, "A001", "3", chime=False),
    }
    assert len(paths) == 4 and len(engine.calls) == 4
    # Another template that says the same thing shares the file.
    same = cache.get_or_render("请{number}号到{window}号窗口办理", "a001", "03")
    assert same in paths and len(engine.calls) == 4
    slower = VoiceCache(tmp_path, CountingEngine(EspeakSettings(rate=120)))
    assert slower.get_or_render(DEFAULT_TEMPLATE, "A001", "3") not in paths


def test_voice_cache_leaves_no_temp_files(tmp_path: Path) -> None:
    cache = VoiceCache(tmp_path / "voice", CountingEngine())
    path = cache.get_or_render(DEFAULT_TEMPLATE, "A001", "3")
    assert sorted(p.name for p in (tmp_path / "voice").iterdir()) == [path.name]
    assert path.suffix == ".wav"


def test_voice_cache_evicts_least_recently_used(tmp_path: Path) -> None:
    engine = CountingEngine()
    probe = VoiceCache(tmp_path / "probe", engine)
    size = probe.get_or_render(DEFAULT_TEMPLATE, "A001", "3").stat().st_size
    # Room for three standard call-outs (same length: every ticket number here has 4 symbols).
    cache = VoiceCache(tmp_path / "lru", engine, max_bytes=int(size * 3.5))
    a = cache.get_or_render(DEFAULT_TEMPLATE, "A001", "3")
    b = cache.get_or_render(DEFAULT_TEMPLATE, "A002", "3")
    c = cache.get_or_render(DEFAULT_TEMPLATE, "A003", "3")
    os.utime(a, ns=(time.time_ns() - 30 * 10**9,) * 2)
    os.utime(b, ns=(time.time_ns() - 20 * 10**9,) * 2)
    os.utime(c, ns=(time.time_ns() - 10 * 10**9,) * 2)
    calls = len(engine.calls)
    assert cache.get_or_render(DEFAULT_TEMPLATE, "A001", "3") == a  # a hit makes A001 recent
    assert len(engine.calls) == calls
    d = cache.get_or_render(DEFAULT_TEMPLATE, "A004", "3")
    assert a.exists() and c.exists() and d.exists()
    assert not b.exists()
    assert cache.total_bytes() <= cache.max_bytes
    assert cache.get_or_render(DEFAULT_TEMPLATE, "A002", "3") == b  # rendered again on demand
    assert len(engine.calls) == calls + 2


def test_voice_cache_keeps_the_new_file_even_if_too_big(tmp_path: Path) -> None:
    cache = VoiceCache(tmp_path, CountingEngine(), max_bytes=1000)
    first = cache.get_or_render(DEFAULT_TEMPLATE, "A001", "3")
    second = cache.get_or_render(DEFAULT_TEMPLATE, "A002", "3")
    assert second.exists() and not first.exists()


def test_voice_cache_removes_stale_temp_files(tmp_path: Path) -> None:
    stale = tmp_path / ".render-crashed.tmp"
    fresh = tmp_path / ".render-writing.tmp"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    VoiceCache(tmp_path, CountingEngine()).evict()
    assert not stale.exists() and fresh.exists()


def test_voice_cache_renders_once_for_concurrent_callers(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = VoiceCache(tmp_path, engine)
    results: list[Path] = []

    def call() -> None:
        results.append(cache.get_or_render(DEFAULT_TEMPLATE, "B010", "12"))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(results) == 8 and len(set(results)) == 1
    assert engine.calls == ["请B 零一零号到十二号窗口办理"]
