"""Speech engines and the assembly of one announcement WAV: chime, speech, speech again.

Rendering is CPU work in a short-lived subprocess (espeak-ng takes tens of milliseconds for a
call-out), written as plain synchronous code; the hall server calls it from a thread pool so
its event loop is never blocked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Protocol, runtime_checkable

from display.voice.chime import ChimeStyle, synth_chime
from display.voice.errors import EngineUnavailable, RenderError
from display.voice.pcm import Pcm, parse_wav, silence, to_wav, trim
from display.voice.pinyin import to_pinyin_text
from display.voice.text import compose_announcement

_INSTALL_HINT = (
    "未找到 espeak-ng 语音引擎，请在服务器上安装：apt install espeak-ng。"
    " espeak-ng was not found: install it on the server with `apt install espeak-ng`."
)


_OTHER_LANGUAGE = re.compile(r"\(([^\s()]+) \d+\)")


@runtime_checkable
class SpeechEngine(Protocol):
    """What the renderer needs from an engine: a name, its settings, and speech as WAV bytes.

    `engine_id` and `settings_key()` together must change whenever the audio would change;
    the cache keys files on them.
    """

    engine_id: str

    def settings_key(self) -> str:
        """A stable string of every setting that changes the audio."""
        ...

    def render(self, text: str) -> bytes:
        """Speak Chinese speech text (digits already spelled) and return a 16-bit PCM WAV."""
        ...


@dataclass(frozen=True)
class EspeakSettings:
    """espeak-ng options. rate is words per minute (80..450), pitch 0..99, volume 0..200.

    150 wpm says the standard call-out in about 4.2 s, slow enough for a noisy hall.
    `readings` adds pinyin for local names, e.g. {"朝阳": "chao2 yang2"}.
    """

    executable: str = "espeak-ng"
    voice: str = "cmn-latn-pinyin"
    rate: int = 150
    pitch: int = 50
    volume: int = 100
    readings: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 15.0

    def __post_init__(self) -> None:
        for name, low, high in (("rate", 80, 450), ("pitch", 0, 99), ("volume", 0, 200)):
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(
                    f"espeak-ng 参数 {name}={value} 超出范围 {low}..{high}。"
                    f" espeak-ng {name}={value} is outside {low}..{high}."
                )


class EspeakPinyinEngine:
    """espeak-ng speaking tone-numbered pinyin: the engine that works offline out of the box."""

    def __init__(self, settings: EspeakSettings | None = None) -> None:
        self.settings = settings or EspeakSettings()
        self.engine_id = f"espeak-ng:{self.settings.voice}"
        self._voice_checked = False

    def settings_key(self) -> str:
        audible = asdict(self.settings)
        del audible["executable"], audible["timeout_s"]
        return json.dumps(audible, sort_keys=True, ensure_ascii=False)

    def pinyin(self, text: str) -> str:
        """The exact line espeak-ng is given for `text`."""
        return to_pinyin_text(text, self.settings.readings)

    def _run(self, options: list[str], line: str, voice: bool = True) -> bytes:
        executable = shutil.which(self.settings.executable)
        if executable is None:
            raise EngineUnavailable(_INSTALL_HINT)
        command = [executable, *(["-v", self.settings.voice] if voice else []), *options]
        try:
            done = subprocess.run(
                command,
                input=line.encode(),
                capture_output=True,
                timeout=self.settings.timeout_s,
                check=False,
            )
        except FileNotFoundError as exc:
            raise EngineUnavailable(_INSTALL_HINT) from exc
        except subprocess.TimeoutExpired as exc:
            raise RenderError(
                f"espeak-ng 在 {self.settings.timeout_s} 秒内未完成，请检查服务器负载。"
                f" espeak-ng did not finish within {self.settings.timeout_s} s: check server load."
            ) from exc
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip()
            raise EngineUnavailable(
                f"espeak-ng 无法使用语音 {self.settings.voice}（{reason}），"
                "请运行 apt install espeak-ng 并用 espeak-ng --voices=cmn 检查。"
                f" espeak-ng cannot use voice {self.settings.voice} ({reason}):"
                " run `apt install espeak-ng` and check `espeak-ng --voices=cmn`."
            )
        return done.stdout

    def check_voice(self) -> None:
        """Fail clearly if the voice is not installed.

        espeak-ng matches voices by language prefix and would quietly speak "no-such-voice" in
        Norwegian, so the name is looked up in `espeak-ng --voices` once per engine.
        """
        if self._voice_checked:
            return
        wanted = self.settings.voice.split("+")[0].lower()
        names: set[str] = set()
        for row in self._run(["--voices"], "", voice=False).decode().splitlines()[1:]:
            columns = row.split()
            if len(columns) >= 5:
                # language, voice name, file and its base name, "(zh-cmn 5)(zh 5)" languages
                names.update(c.lower() for c in (columns[1], columns[3], columns[4]))
                names.add(columns[4].rsplit("/", 1)[-1].lower())
                names.update(m.lower() for m in _OTHER_LANGUAGE.findall(" ".join(columns[5:])))
        if wanted not in names:
            raise EngineUnavailable(
                f"espeak-ng 没有语音 {self.settings.voice}，请运行 apt install espeak-ng"
                " 并用 espeak-ng --voices=cmn 查看可用语音。"
                f" espeak-ng has no voice {self.settings.voice}: run `apt install espeak-ng`"
                " and list voices with `espeak-ng --voices=cmn`."
            )
        self._voice_checked = True

    def render(self, text: str) -> bytes:
        self.check_voice()
        line = self.pinyin(text)
        if not line:
            raise RenderError(
                f"没有可朗读的内容：{text!r}。 Nothing to speak in {text!r}."
            )
        options = ["-s", str(self.settings.rate), "-p", str(self.settings.pitch)]
        options += ["-a", str(self.settings.volume), "--stdout"]
        return self._run(options, line)

    def phonemes(self, text: str) -> str:
        """espeak-ng's phoneme mnemonics for `text`: how to check what a word will sound like."""
        self.check_voice()
        return self._run(["-q", "-x"], self.pinyin(text)).decode().strip()


@dataclass(frozen=True)
class AnnouncementLayout:
    """Silences around the parts of an announcement, in milliseconds."""

    after_chime_ms: int = 250
    between_ms: int = 700
    tail_ms: int = 300
    chime: ChimeStyle = field(default_factory=ChimeStyle)


def render_speech(
    engine: SpeechEngine,
    speech: str,
    repeat: int = 2,
    chime: bool = True,
    layout: AnnouncementLayout | None = None,
) -> bytes:
    """Chime, then the speech `repeat` times with short silences between, as ONE WAV.

    The engine renders the speech once; repeats reuse the same samples.
    """
    if not 1 <= repeat <= 5:
        raise ValueError(f"播报次数须为 1..5，而不是 {repeat}。 repeat must be 1..5, not {repeat}.")
    layout = layout or AnnouncementLayout()
    spoken = trim(parse_wav(engine.render(speech)))
    if not spoken.samples:
        raise RenderError(
            f"语音引擎输出为静音：{speech!r}。 The speech engine returned silence for {speech!r}."
        )
    rate, channels = spoken.rate, spoken.channels
    out = Pcm(rate, channels, silence(0, rate, channels))
    if chime:
        out.samples.extend(synth_chime(rate, channels, layout.chime))
        out.samples.extend(silence(layout.after_chime_ms, rate, channels))
    for i in range(repeat):
        if i:
            out.samples.extend(silence(layout.between_ms, rate, channels))
        out.samples.extend(spoken.samples)
    out.samples.extend(silence(layout.tail_ms, rate, channels))
    return to_wav(out)


def render_announcement(
    template: str,
    number: str,
    window: str | int,
    service: str = "",
    repeat: int = 2,
    chime: bool = True,
    *,
    engine: SpeechEngine | None = None,
    layout: AnnouncementLayout | None = None,
) -> bytes:
    """The WAV for one call-out, e.g. ("请{number}号到{window}号窗口办理", "A001", 3)."""
    speech = compose_announcement(template, number, window, service).speech
    return render_speech(engine or EspeakPinyinEngine(), speech, repeat, chime, layout)
