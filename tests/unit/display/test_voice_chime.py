"""The synthesised ding-dong and the PCM helpers it is joined with."""

from array import array

import pytest

from display.voice.chime import ChimeStyle, synth_chime
from display.voice.errors import RenderError
from display.voice.pcm import Pcm, parse_wav, rms, silence, to_wav, trim


@pytest.mark.parametrize("rate", [16000, 22050, 24000, 44100])
def test_voice_chime_matches_the_rate(rate: int) -> None:
    samples = synth_chime(rate)
    assert len(samples) == rate * 1300 // 1000
    assert max(abs(s) for s in samples) == round(0.55 * 32767)
    assert rms(samples[: rate // 2]) > 3000  # loud at once, then it decays
    assert rms(samples[-rate // 10 :]) < rms(samples[: rate // 10]) / 5


def test_voice_chime_stereo_is_two_equal_channels() -> None:
    stereo = synth_chime(16000, channels=2)
    assert stereo[0::2] == stereo[1::2] == synth_chime(16000)


def test_voice_chime_style_is_configurable() -> None:
    quiet = synth_chime(22050, style=ChimeStyle(volume=0.2, length_ms=800))
    assert len(quiet) == 22050 * 800 // 1000
    assert max(abs(s) for s in quiet) == round(0.2 * 32767)


def test_voice_trim_keeps_a_margin() -> None:
    tone = array("h", [1000, -1000] * 500)
    padded = Pcm(1000, 1, silence(300, 1000, 1) + tone + silence(500, 1000, 1))
    trimmed = trim(padded, margin_ms=20)
    assert len(trimmed.samples) == 20 + 1000 + 20
    assert not trim(Pcm(1000, 1, silence(100, 1000, 1))).samples


def test_voice_parse_wav_rejects_other_formats() -> None:
    with pytest.raises(RenderError, match="RIFF"):
        parse_wav(b"not a wav file")
    eight_bit = bytearray(to_wav(Pcm(8000, 1, array("h", [0] * 10))))
    eight_bit[34:36] = (8).to_bytes(2, "little")
    with pytest.raises(RenderError, match="16-bit"):
        parse_wav(bytes(eight_bit))
