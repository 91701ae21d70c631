"""A two-tone "ding-dong" synthesised from sines: no sound files to ship or lose.

It is computed directly at the sample rate and channel count of the speech it precedes, so it
matches the engine's output exactly and never needs resampling.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class ChimeStyle:
    """The two notes of the chime; the defaults are E5 then C5, like a hall's door bell."""

    high_hz: float = 659.25
    low_hz: float = 523.25
    low_starts_ms: int = 450
    length_ms: int = 1300
    decay_ms: int = 320
    volume: float = 0.55


# Harmonics (multiple of the note, relative level) that make a sine sound like a struck bar.
_PARTIALS = ((1.0, 1.0), (2.0, 0.32), (3.0, 0.12))
_ATTACK_MS = 6


def _note(freq: float, start: int, total: int, rate: int, decay_s: float) -> list[float]:
    attack = rate * _ATTACK_MS / 1000
    out = [0.0] * total
    for i in range(start, total):
        t = (i - start) / rate
        envelope = min(1.0, (i - start) / attack) * math.exp(-t / decay_s)
        value = sum(level * math.sin(2 * math.pi * freq * k * t) for k, level in _PARTIALS)
        out[i] = envelope * value
    return out


@lru_cache(maxsize=8)
def _chime_samples(rate: int, channels: int, style: ChimeStyle) -> tuple[int, ...]:
    total = rate * style.length_ms // 1000
    decay_s = style.decay_ms / 1000
    high = _note(style.high_hz, 0, total, rate, decay_s)
    low = _note(style.low_hz, rate * style.low_starts_ms // 1000, total, rate, decay_s)
    mixed = [h + lo for h, lo in zip(high, low, strict=True)]
    peak = max(abs(v) for v in mixed) or 1.0
    scale = style.volume * 32767 / peak
    mono = [round(v * scale) for v in mixed]
    return tuple(s for s in mono for _ in range(channels))


def synth_chime(rate: int, channels: int = 1, style: ChimeStyle | None = None) -> array:
    """Interleaved 16-bit samples of the chime at `rate` Hz with `channels` channels."""
    return array("h", _chime_samples(rate, channels, style or ChimeStyle()))
