"""Offline Mandarin call-outs rendered on the hall server as one WAV per announcement.

See README.md in this folder: text -> speech text -> tone-numbered pinyin -> espeak-ng.
"""

from display.voice.cache import VoiceCache
from display.voice.engine import (
    AnnouncementLayout,
    EspeakPinyinEngine,
    EspeakSettings,
    SpeechEngine,
    render_announcement,
    render_speech,
)
from display.voice.errors import EngineUnavailable, RenderError, TemplateError, VoiceError
from display.voice.text import DEFAULT_TEMPLATE, Announcement, compose_announcement

__all__ = [
    "DEFAULT_TEMPLATE",
    "Announcement",
    "AnnouncementLayout",
    "EngineUnavailable",
    "EspeakPinyinEngine",
    "EspeakSettings",
    "RenderError",
    "SpeechEngine",
    "TemplateError",
    "VoiceCache",
    "VoiceError",
    "compose_announcement",
    "render_announcement",
    "render_speech",
]
