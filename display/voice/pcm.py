"""16-bit PCM in memory: read an engine's WAV, cut silence, join pieces, write one WAV.

espeak-ng's `--stdout` WAV is written as a stream, so its RIFF and data sizes are placeholders
(0x7ffff000); `wave` would believe them. `parse_wav` walks the chunks itself and takes the data
that is really there.
"""

from __future__ import annotations

import io
import math
import struct
import sys
import wave
from array import array
from dataclasses import dataclass

from display.voice.errors import RenderError

_PCM_FORMAT = 1
_EXTENSIBLE_FORMAT = 0xFFFE


@dataclass
class Pcm:
    """Interleaved signed 16-bit samples with their rate and channel count."""

    rate: int
    channels: int
    samples: array

    @property
    def frames(self) -> int:
        return len(self.samples) // self.channels

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


def _bad(reason: str) -> RenderError:
    return RenderError(
        f"语音引擎输出的音频无法读取（{reason}），请检查语音引擎的安装。"
        f" The speech engine's audio cannot be read ({reason}): check the engine installation."
    )


def parse_wav(data: bytes) -> Pcm:
    """Read a 16-bit PCM WAV, trusting the bytes present over the sizes in the header."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise _bad("not a RIFF/WAVE file")
    fmt: tuple[int, int, int, int] | None = None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id, size = struct.unpack_from("<4sI", data, pos)
        body = pos + 8
        if chunk_id == b"fmt ":
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, body)
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            if fmt is None:
                raise _bad("data before fmt")
            tag, channels, rate, bits = fmt
            if tag not in (_PCM_FORMAT, _EXTENSIBLE_FORMAT) or bits != 16 or channels < 1:
                raise _bad(f"format {tag}, {bits} bits, {channels} channels; need 16-bit PCM")
            end = min(body + size, len(data))
            end -= (end - body) % (2 * channels)
            samples = array("h", data[body:end])
            if sys.byteorder == "big":
                samples.byteswap()
            return Pcm(rate=rate, channels=channels, samples=samples)
        pos = body + size + (size & 1)
    raise _bad("no data chunk")


def to_wav(pcm: Pcm) -> bytes:
    """Write PCM as a complete WAV file with correct sizes."""
    samples = pcm.samples
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(pcm.channels)
        out.setsampwidth(2)
        out.setframerate(pcm.rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def silence(ms: int, rate: int, channels: int) -> array:
    """Zero samples lasting `ms` milliseconds."""
    return array("h", bytes(2 * channels * (rate * ms // 1000)))


def trim(pcm: Pcm, threshold: int = 200, margin_ms: int = 20) -> Pcm:
    """Cut leading and trailing near-silence, keeping a short margin so no sound is clipped.

    espeak-ng pads its output (about 0.05 s before, 0.4 s after at rate 150); the gaps of an
    announcement are set by its layout instead.
    """
    samples = pcm.samples
    loud = (i for i, s in enumerate(samples) if abs(s) > threshold)
    first_loud = next(loud, None)
    if first_loud is None:
        return Pcm(pcm.rate, pcm.channels, array("h"))
    last_loud = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    margin = pcm.rate * margin_ms // 1000 * pcm.channels
    first = max(0, first_loud - margin) // pcm.channels * pcm.channels
    last = min(len(samples), (last_loud // pcm.channels + 1) * pcm.channels + margin)
    return Pcm(pcm.rate, pcm.channels, pcm.samples[first:last])


def rms(samples: array) -> float:
    """Root mean square level, 0..32768."""
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))
