"""The announcement WAV from the real espeak-ng: valid, plausible length, audible, chime first.

Lengths were measured on Debian's espeak-ng 1.51 at the default rate of 150 wpm: the standard
call-out ("请A 零零一号到三号窗口办理", 13 syllables) speaks in 4.25 s once the engine's padding is
trimmed, and the whole announcement (chime 1.3 s + 0.25 s, speech, 0.7 s, speech, 0.3 s) is
11.04 s. The ranges below allow 0.25..0.45 s per syllable, so another espeak-ng build passes
while a truncated or runaway render does not.
"""

import io
import math
import wave
from array import array

import pytest

from display.voice.engine import (
    AnnouncementLayout,
    EspeakPinyinEngine,
    EspeakSettings,
    SpeechEngine,
    render_announcement,
    render_speech,
)
from display.voice.errors import EngineUnavailable, RenderError
from display.voice.pcm import parse_wav, rms, to_wav
from display.voice.text import DEFAULT_TEMPLATE

SYLLABLES = 13
FIXED_S = 1.3 + 0.25 + 0.7 + 0.3


def _read(data: bytes) -> tuple[wave._wave_params, array]:
    with wave.open(io.BytesIO(data)) as wav:
        params = wav.getparams()
        samples = array("h", wav.readframes(params.nframes))
    return params, samples


def _tone_level(samples: array, rate: int, hz: float) -> float:
    """Amplitude of one frequency (Goertzel), to tell the chime's two notes apart."""
    coeff = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    return math.sqrt(max(s1 * s1 + s2 * s2 - coeff * s1 * s2, 0.0)) / len(samples)


def _part(samples: array, rate: int, start_s: float, end_s: float) -> array:
    return samples[int(start_s * rate) : int(end_s * rate)]


@pytest.fixture(scope="module")
def standard() -> bytes:
    return render_announcement(DEFAULT_TEMPLATE, "A001", "3", repeat=2, chime=True)


def test_voice_announcement_is_valid_wav(standard: bytes) -> None:
    params, samples = _read(standard)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    assert params.comptype == "NONE"
    assert len(samples) == params.nframes > 0
    assert len(standard) == 44 + 2 * params.nframes  # header sizes are true, unlike the engine's


def test_voice_announcement_length_is_plausible(standard: bytes) -> None:
    params, _ = _read(standard)
    seconds = params.nframes / params.framerate
    assert FIXED_S + 2 * SYLLABLES * 0.25 <= seconds <= FIXED_S + 2 * SYLLABLES * 0.45
    once = render_announcement(DEFAULT_TEMPLATE, "A001", "3", repeat=1)
    one_speech_s = seconds - _read(once)[0].nframes / params.framerate - 0.7
    assert SYLLABLES * 0.25 <= one_speech_s <= SYLLABLES * 0.45


def test_voice_announcement_is_audible(standard: bytes) -> None:
    params, samples = _read(standard)
    rate = params.framerate
    assert rms(samples) > 1000  # about -30 dBFS; measured 4148
    first_speech = _part(samples, rate, 1.55, 1.55 + SYLLABLES * 0.25)
    assert rms(first_speech) > 1000
    assert max(abs(s) for s in samples) < 32767  # not clipped


def test_voice_chime_is_at_the_start(standard: bytes) -> None:
    params, samples = _read(standard)
    rate = params.framerate
    ding = _part(samples, rate, 0.05, 0.40)
    dong = _part(samples, rate, 0.55, 0.90)
    # measured: ding 659 Hz 3381 vs 523 Hz 27; dong 523 Hz 2887 vs 659 Hz 688
    assert _tone_level(ding, rate, 659.25) > 10 * _tone_level(ding, rate, 523.25)
    assert _tone_level(dong, rate, 523.25) > 2 * _tone_level(dong, rate, 659.25)
    assert _tone_level(ding, rate, 659.25) > 1000


def test_voice_without_chime_starts_with_speech() -> None:
    params, samples = _read(render_announcement(DEFAULT_TEMPLATE, "A001", "3", chime=False))
    rate = params.framerate
    start = _part(samples, rate, 0.0, 0.35)
    assert _tone_level(start, rate, 659.25) < 100
    assert rms(start) > 500  # "qing3" begins within the trim margin


def test_voice_parse_wav_reads_espeak_stream_header() -> None:
    raw = EspeakPinyinEngine().render("请")
    assert raw[4:8] != (len(raw) - 8).to_bytes(4, "little")  # a streamed, placeholder header
    pcm = parse_wav(raw)
    assert (pcm.rate, pcm.channels) == (22050, 1)
    assert len(pcm.samples) == (len(raw) - 44) // 2
    assert parse_wav(to_wav(pcm)).samples == pcm.samples


class ToneEngine:
    """Another engine (16 kHz stereo, as a neural voice might give): a 220 Hz tone per call."""

    engine_id = "tone"

    def settings_key(self) -> str:
        return "220Hz"

    def render(self, text: str) -> bytes:
        frames = [round(8000 * math.sin(2 * math.pi * 220 * i / 16000)) for i in range(8000)]
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(2)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(array("h", [s for s in frames for _ in (0, 1)]).tobytes())
        return buffer.getvalue()


def test_voice_other_engine_plugs_in_and_sets_the_format() -> None:
    engine = ToneEngine()
    assert isinstance(engine, SpeechEngine)
    layout = AnnouncementLayout()
    params, samples = _read(render_speech(engine, "任意", repeat=2, chime=True, layout=layout))
    assert (params.nchannels, params.framerate) == (2, 16000)
    expected = 1.3 + 0.25 + 0.5 + 0.7 + 0.5 + 0.3
    assert params.nframes / 16000 == pytest.approx(expected, abs=0.05)
    left = samples[0::2][: int(0.35 * 16000)]
    assert _tone_level(left, 16000, 659.25) > 1000  # the chime, made at the engine's rate
    assert samples[0::2] == samples[1::2]


def test_voice_missing_espeak_says_how_to_install() -> None:
    engine = EspeakPinyinEngine(EspeakSettings(executable="espeak-ng-not-installed"))
    with pytest.raises(EngineUnavailable, match="apt install espeak-ng"):
        engine.render("请")


def test_voice_missing_voice_is_reported() -> None:
    engine = EspeakPinyinEngine(EspeakSettings(voice="no-such-voice"))
    with pytest.raises(EngineUnavailable, match="no-such-voice"):
        engine.render("请")


def test_voice_nothing_to_say() -> None:
    with pytest.raises(RenderError):
        EspeakPinyinEngine().render("★")
    with pytest.raises(ValueError):
        render_speech(EspeakPinyinEngine(), "请", repeat=0)


@pytest.mark.parametrize("field", ["rate", "pitch", "volume"])
def test_voice_settings_are_checked(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        EspeakSettings(**{field: 1000})


def test_voice_settings_change_the_audio() -> None:
    slow = EspeakPinyinEngine(EspeakSettings(rate=120))
    fast = EspeakPinyinEngine(EspeakSettings(rate=200))
    assert slow.settings_key() != fast.settings_key()
    assert EspeakPinyinEngine().settings_key() == EspeakPinyinEngine().settings_key()
    slow_s = parse_wav(slow.render("请A 零零一号")).seconds
    fast_s = parse_wav(fast.render("请A 零零一号")).seconds
    assert slow_s > 1.3 * fast_s
