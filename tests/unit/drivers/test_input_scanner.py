"""Scans assembled from evdev events as a US-layout scanner sends them."""

import pytest
from evdev import InputEvent, ecodes

from drivers.input.scanner import ScanAssembler

SHIFTED = set('~!@#$%^&*()_+{}|:"<>?') | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
PLAIN = {
    **{c: ecodes.ecodes[f"KEY_{c.upper()}"] for c in "abcdefghijklmnopqrstuvwxyz0123456789"},
    "-": ecodes.KEY_MINUS, "=": ecodes.KEY_EQUAL, ";": ecodes.KEY_SEMICOLON,
    "/": ecodes.KEY_SLASH, ".": ecodes.KEY_DOT, ",": ecodes.KEY_COMMA,
}
SHIFT_OF = {":": ";", "?": "/", "_": "-", "&": "7", "%": "5", "#": "3", "+": "="}


def ev(code, value, etype=ecodes.EV_KEY):
    return InputEvent(1700000000, 0, etype, code, value)


def scanner_events(text, enter=ecodes.KEY_ENTER):
    """What a scanner sends: MSC_SCAN, key down, SYN, key up, SYN; shift around capitals."""
    out = []
    for ch in text:
        shift = ch in SHIFTED
        base = ch.lower() if ch.isalpha() else SHIFT_OF.get(ch, ch)
        code = PLAIN[base]
        if shift:
            out += [ev(ecodes.KEY_LEFTSHIFT, 1), ev(0, 0, ecodes.EV_SYN)]
        out += [
            ev(ecodes.MSC_SCAN, 0x70004, ecodes.EV_MSC),
            ev(code, 1),
            ev(0, 0, ecodes.EV_SYN),
            ev(code, 0),
            ev(0, 0, ecodes.EV_SYN),
        ]
        if shift:
            out += [ev(ecodes.KEY_LEFTSHIFT, 0), ev(0, 0, ecodes.EV_SYN)]
    out += [ev(enter, 1), ev(0, 0, ecodes.EV_SYN), ev(enter, 0)]
    return out


def feed_all(assembler, events):
    return [r for r in (assembler.feed(e) for e in events) if r is not None]


@pytest.mark.parametrize(
    "text",
    [
        "OWQ:20250301:A7K2M9",
        "https://hall.example.gov.cn/q?t=A012&h=3#top",
        "owq:lower_case-and%25=ok",
        "12345678901234567890",
    ],
)
def test_scans_come_out_exactly(text):
    assert feed_all(ScanAssembler(), scanner_events(text)) == [text]


def test_keypad_enter_ends_a_scan_too():
    assert feed_all(ScanAssembler(), scanner_events("OWQ:1", enter=ecodes.KEY_KPENTER)) == [
        "OWQ:1"
    ]


def test_two_scans_in_a_row():
    events = scanner_events("OWQ:AAA") + scanner_events("OWQ:BBB")
    assert feed_all(ScanAssembler(), events) == ["OWQ:AAA", "OWQ:BBB"]


def test_enter_alone_gives_nothing():
    assert feed_all(ScanAssembler(), [ev(ecodes.KEY_ENTER, 1), ev(ecodes.KEY_ENTER, 0)]) == []


def test_a_pause_between_keys_drops_the_partial_scan():
    now = [0.0]
    asm = ScanAssembler(key_timeout=0.2, clock=lambda: now[0])
    assert feed_all(asm, scanner_events("junk")[:-3]) == []
    assert asm.pending == "junk"
    now[0] = 5.0
    assert feed_all(asm, scanner_events("OWQ:9")) == ["OWQ:9"]
    assert asm.dropped == 1


def test_keys_within_the_timeout_stay_one_scan():
    now = [0.0]
    asm = ScanAssembler(key_timeout=0.2, clock=lambda: now[0])
    out = []
    for e in scanner_events("AB12"):
        now[0] += 0.01
        r = asm.feed(e)
        if r:
            out.append(r)
    assert out == ["AB12"]


def test_key_repeat_and_other_event_types_are_ignored():
    events = [
        ev(ecodes.KEY_A, 1), ev(ecodes.KEY_A, 2), ev(ecodes.KEY_A, 2), ev(ecodes.KEY_A, 0),
        ev(ecodes.LED_NUML, 1, ecodes.EV_LED), ev(ecodes.KEY_ENTER, 1),
    ]
    assert feed_all(ScanAssembler(), events) == ["a"]


def test_overlong_input_is_dropped_not_kept_forever():
    asm = ScanAssembler(max_length=4)
    assert feed_all(asm, scanner_events("abcdefg")) == ["efg"]
    assert asm.dropped == 1


def test_reset_forgets_shift_held_when_unplugged():
    asm = ScanAssembler()
    asm.feed(ev(ecodes.KEY_LEFTSHIFT, 1))
    asm.feed(ev(ecodes.KEY_A, 1))
    asm.reset()
    assert feed_all(asm, [ev(ecodes.KEY_A, 1), ev(ecodes.KEY_ENTER, 1)]) == ["a"]
