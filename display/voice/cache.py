"""Rendered call-outs kept on disk, one WAV per phrase, bounded in size.

A hall calls the same few hundred phrases every day ("A001 to window 3"), so each is rendered
once. Files are written to a temporary name and renamed, so a board never downloads half a
file, and several server workers may share the folder. The least recently used files go first
when the folder grows past its limit; a hit refreshes the file's modification time, which is
the recency used (access times are often not kept on servers).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from display.voice.engine import AnnouncementLayout, SpeechEngine, render_speech
from display.voice.text import compose_announcement

# Bump when the way files are assembled changes, so old files are no longer hit.
CACHE_FORMAT = 1
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_STALE_TEMP_S = 3600
_LOCK_STRIPES = 32


class VoiceCache:
    """`get_or_render(...) -> Path` of a WAV file, rendering only on a miss."""

    def __init__(
        self,
        directory: Path,
        engine: SpeechEngine,
        max_bytes: int = DEFAULT_MAX_BYTES,
        layout: AnnouncementLayout | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.engine = engine
        self.max_bytes = max_bytes
        self.layout = layout or AnnouncementLayout()
        # Two threads asking for the same new phrase render it once; striped so memory is fixed.
        self._locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]
        self._evict_lock = threading.Lock()

    def key(self, speech: str, repeat: int, chime: bool) -> str:
        """Hash of everything that decides the audio: engine, its settings, text and layout."""
        material = json.dumps(
            [
                CACHE_FORMAT,
                self.engine.engine_id,
                self.engine.settings_key(),
                speech,
                repeat,
                chime,
                asdict(self.layout),
            ],
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(material.encode()).hexdigest()[:40]

    def get_or_render(
        self,
        template: str,
        number: str,
        window: str | int,
        service: str = "",
        repeat: int = 2,
        chime: bool = True,
    ) -> Path:
        """The announcement's WAV file, as render_announcement would produce it."""
        speech = compose_announcement(template, number, window, service).speech
        return self.get_or_render_speech(speech, repeat, chime)

    def get_or_render_speech(self, speech: str, repeat: int = 2, chime: bool = True) -> Path:
        """The WAV file for speech text that is already spelled (see text.py)."""
        key = self.key(speech, repeat, chime)
        path = self.directory / f"{key}.wav"
        if self._touch(path):
            return path
        with self._locks[int(key[:8], 16) % _LOCK_STRIPES]:
            if self._touch(path):
                return path
            data = render_speech(self.engine, speech, repeat, chime, self.layout)
            self._write_atomic(path, data)
        self.evict(keep=path)
        return path

    @staticmethod
    def _touch(path: Path) -> bool:
        """Mark a hit as recently used; False if the file is not there (or was just evicted)."""
        try:
            os.utime(path)
        except FileNotFoundError:
            return False
        return True

    def _write_atomic(self, path: Path, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".render-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise

    def evict(self, keep: Path | None = None) -> int:
        """Delete least recently used files until the folder fits; returns bytes freed."""
        with self._evict_lock:
            entries: list[tuple[int, int, Path]] = []
            now = time.time()
            for path in self.directory.glob("*"):
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                if path.name.startswith(".render-") and now - stat.st_mtime > _STALE_TEMP_S:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                elif path.suffix == ".wav":
                    entries.append((stat.st_mtime_ns, stat.st_size, path))
            total = sum(size for _, size, _ in entries)
            freed = 0
            for _, size, path in sorted(entries, key=lambda e: e[0]):
                if total <= self.max_bytes:
                    break
                if path == keep:
                    continue
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                total -= size
                freed += size
            return freed

    def total_bytes(self) -> int:
        """Bytes of WAV files in the folder now."""
        total = 0
        for path in self.directory.glob("*.wav"):
            with contextlib.suppress(FileNotFoundError):
                total += path.stat().st_size
        return total
