"""The "FF 68" adapter: key frames of caller and evaluation pads to clerk commands."""

import pytest

from drivers.actions import ClerkAction, KeypadCommand
from drivers.callerpad import protocol as p
from drivers.callerpad.adapter import ADAPTERS, FramedPadAdapter, FramedPadConfig


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def frames(*keys):
    """(address, func, data) triples to wire bytes."""
    return b"".join(p.encode_frame(a, f, d) for a, f, d in keys)


def commands(adapter, wire, clock=None, step=2.0):
    out = []
    while wire:
        used, msg = adapter.decode(wire)
        assert used
        wire = wire[used:]
        if msg is not None:
            if clock:
                clock.now += step
            if msg.command is not None:
                out.append((msg.address, msg.command))
    return out


def make(**cfg):
    clock = Clock()
    return FramedPadAdapter(FramedPadConfig(**cfg), clock=clock), clock


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ([(3, p.KEY_CALL, b"")], [(3, KeypadCommand(ClerkAction.CALL_NEXT))]),
        ([(3, p.KEY_RECALL, b"")], [(3, KeypadCommand(ClerkAction.RECALL))]),
        ([(3, p.KEY_TRANSFER, b"")], [(3, KeypadCommand(ClerkAction.TRANSFER))]),
        ([(3, p.KEY_EVALUATE, b"")], [(3, KeypadCommand(ClerkAction.EVALUATE))]),
        # digits key by key, then confirm
        ([(3, 0, b""), (3, 1, b""), (3, 2, b""), (3, p.KEY_CONFIRM, b"")],
         [(3, KeypadCommand(ClerkAction.CALL, "012"))]),
        # digits carried in the confirm frame itself (ASCII or raw values)
        ([(3, p.KEY_CONFIRM, b"45")], [(3, KeypadCommand(ClerkAction.CALL, "45"))]),
        ([(3, p.KEY_CONFIRM, b"\x04\x05")], [(3, KeypadCommand(ClerkAction.CALL, "45"))]),
        # digits then the call key: call that number
        ([(3, 7, b""), (3, p.KEY_CALL, b"")], [(3, KeypadCommand(ClerkAction.CALL, "7"))]),
        # confirm with nothing typed does nothing
        ([(3, p.KEY_CONFIRM, b"")], []),
        # evaluation pads: the level in DATA, raw or ASCII
        ([(9, p.KEY_EVALUATE, b"\x05")], [(9, KeypadCommand(ClerkAction.EVALUATE, "5"))]),
        ([(9, p.KEY_EVALUATE, b"1")], [(9, KeypadCommand(ClerkAction.EVALUATE, "1"))]),
        ([(9, p.KEY_EVALUATE, b"\x06")], []),
        # a digit then evaluate on a caller pad gives the level
        ([(3, 4, b""), (3, p.KEY_EVALUATE, b"")],
         [(3, KeypadCommand(ClerkAction.EVALUATE, "4"))]),
        # unknown key codes are acked (by the bus) but report nothing
        ([(3, 0x30, b"")], []),
    ],
)
def test_key_sequences(keys, expected):
    adapter, clock = make()
    assert commands(adapter, frames(*keys), clock) == expected


def test_digits_of_two_pads_do_not_mix():
    adapter, clock = make()
    wire = frames((3, 1, b""), (4, 2, b""), (3, 5, b""), (4, p.KEY_CONFIRM, b""),
                  (3, p.KEY_CONFIRM, b""))
    assert commands(adapter, wire, clock) == [
        (4, KeypadCommand(ClerkAction.CALL, "2")),
        (3, KeypadCommand(ClerkAction.CALL, "15")),
    ]


def test_pause_key_toggles_pause_and_resume():
    adapter, clock = make()
    wire = frames((3, p.KEY_PAUSE, b""), (3, p.KEY_PAUSE, b""), (3, p.KEY_PAUSE, b""))
    assert [c.action for _, c in commands(adapter, wire, clock)] == [
        ClerkAction.PAUSE, ClerkAction.RESUME_WINDOW, ClerkAction.PAUSE,
    ]
    adapter, clock = make(pause_toggles=False)
    wire = frames((3, p.KEY_PAUSE, b""), (3, p.KEY_PAUSE, b""))
    assert [c.action for _, c in commands(adapter, wire, clock)] == [ClerkAction.PAUSE] * 2


def test_a_resent_frame_is_reported_once():
    adapter, clock = make()
    wire = frames((3, p.KEY_CALL, b""), (3, p.KEY_CALL, b""))
    assert len(commands(adapter, wire, clock, step=0.2)) == 1
    clock.now += 5
    assert len(commands(adapter, wire, clock, step=2.0)) == 2


def test_quick_repeated_digits_stay_digits():
    adapter, clock = make()
    wire = frames((3, 1, b""), (3, 1, b""), (3, p.KEY_CONFIRM, b""))
    assert commands(adapter, wire, clock, step=0.05) == [
        (3, KeypadCommand(ClerkAction.CALL, "11"))
    ]


def test_stale_digits_are_forgotten():
    adapter, clock = make(digit_timeout=10)
    assert commands(adapter, frames((3, 1, b"")), clock) == []
    clock.now += 60
    assert commands(adapter, frames((3, p.KEY_CALL, b"")), clock) == [
        (3, KeypadCommand(ClerkAction.CALL_NEXT))
    ]


def test_key_table_is_configurable():
    adapter, clock = make(key_actions={0x0C: "call-next", 0x0E: "no-show", 0x21: "evaluate:5"})
    wire = frames((3, 0x0E, b""), (9, 0x21, b""), (3, p.KEY_RECALL, b""))
    assert commands(adapter, wire, clock) == [
        (3, KeypadCommand(ClerkAction.NO_SHOW)),
        (9, KeypadCommand(ClerkAction.EVALUATE, "5")),
    ]


def test_bad_key_table_fails_at_start():
    with pytest.raises(ValueError, match="unknown action"):
        FramedPadAdapter(FramedPadConfig(key_actions={0x0C: "call_next"}))


def test_ack_is_the_echo_of_the_frame():
    adapter, _ = make()
    wire = frames((3, p.KEY_CALL, b""))
    used, msg = adapter.decode(wire[1:])
    assert adapter.ack(msg) == wire
    assert adapter.display(3, "请A001到3号窗口") is None


def test_noise_is_counted():
    adapter, clock = make()
    commands(adapter, b"\x00\x01\x02" + frames((3, p.KEY_CALL, b"")), clock)
    assert adapter.dropped_bytes == 4  # three bytes of noise and the preamble


def test_adapter_registry():
    assert ADAPTERS["ff68"] is FramedPadAdapter
