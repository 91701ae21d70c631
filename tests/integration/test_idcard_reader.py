"""The real driver against the emulator over a real pty."""

import queue
import time

import pytest

from drivers.idcard.demo_cards import demo_cards
from drivers.idcard.emulator import IdCardEmulator
from drivers.idcard.errors import (
    BadFrame,
    CardError,
    InvalidCard,
    ReaderTimeout,
    ReaderUnavailable,
    ReadFailed,
    SelectFailed,
    UnknownCardType,
)
from drivers.idcard.reader import IdCardListener, IdCardReader, IdCardReaderSettings

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def emulator():
    with IdCardEmulator() as emu:
        yield emu


def settings(emu: IdCardEmulator, **changes) -> IdCardReaderSettings:
    fast = {"poll_interval": 0.05, "reconnect_initial": 0.05, "reconnect_max": 0.2}
    return IdCardReaderSettings(port=emu.path, **{**fast, **changes})


@pytest.fixture
def reader(emulator):
    r = IdCardReader(settings(emulator))
    yield r
    r.close()


@pytest.mark.parametrize("index", range(len(demo_cards())), ids=lambda i: demo_cards()[i].kind)
def test_reads_every_layout(emulator, reader, index):
    placed = emulator.place(index)
    card = reader.read_card()
    assert card == placed
    assert len(card.photo) == 1024


def test_no_card(emulator, reader):
    assert reader.read_card() is None
    emulator.place(0)
    emulator.set_fault("nocard")
    assert reader.read_card() is None


def test_fingerprint_read(emulator):
    emulator.cards[0] = placed = emulator.cards[0].__class__(
        **{**emulator.cards[0].__dict__, "fingerprint": b"F" * 1024}
    )
    emulator.place(0)
    r = IdCardReader(settings(emulator, with_fingerprint=True))
    try:
        assert r.read_card().fingerprint == placed.fingerprint
    finally:
        r.close()


def test_bad_checksum_is_retried(emulator, reader):
    emulator.place(1)
    emulator.set_fault("checksum", count=2)  # two damaged replies, then good ones
    assert reader.read_card() == emulator.cards[1]
    assert emulator.fault is None


def test_bad_checksum_every_time_is_an_error(emulator, reader):
    emulator.place(1)
    emulator.set_fault("checksum")
    with pytest.raises(BadFrame, match="校验"):
        reader.read_card()


def test_slow_reply_times_out_then_recovers(emulator, reader):
    emulator.place(0)
    emulator.set_fault("slow", delay=0.25)
    started = time.monotonic()
    with pytest.raises(ReaderTimeout):
        reader.read_card()
    # three attempts of 100 ms for find (and at most three more for select)
    assert time.monotonic() - started < 1.5
    emulator.set_fault(None)
    time.sleep(0.8)  # late replies still on their way are dropped by the driver
    assert reader.read_card() == emulator.cards[0]


CARD_FAULTS = [
    ("select_failed", SelectFailed, "选卡失败"),
    ("read_failed", ReadFailed, "读卡失败"),
    ("unknown_type", UnknownCardType, "无法识别的证件类型"),
    ("invalid_card", InvalidCard, "证件信息无效"),
]


@pytest.mark.parametrize(("fault", "error", "words"), CARD_FAULTS, ids=[f[0] for f in CARD_FAULTS])
def test_each_card_status_word_is_its_own_error(emulator, reader, fault, error, words):
    """SW3 0x81, 0x41 and 0x40 over the pty, and a card whose number fails its check: each a
    card error whose message says what to do, Chinese first; never retried as a bad frame."""
    emulator.place(0)
    emulator.set_fault(fault)
    with pytest.raises(error) as info:
        reader.read_card()
    assert isinstance(info.value, CardError)
    assert str(info.value).startswith(words) and " / " in str(info.value)
    emulator.set_fault("none")
    assert reader.read_card() == emulator.cards[0]


def test_card_faults_need_a_card_on_the_reader(emulator, reader):
    for fault, _, _ in CARD_FAULTS:
        emulator.set_fault(fault)
        assert reader.read_card() is None


def test_unplug_and_replug(emulator, reader):
    emulator.place(2)
    assert reader.read_card() == emulator.cards[2]
    emulator.set_fault("unplug")
    with pytest.raises(ReaderUnavailable):
        reader.read_card()
    with pytest.raises(ReaderUnavailable):  # the path is gone
        reader.read_card()
    emulator.replug()
    assert reader.read_card() == emulator.cards[2]


class Recorder(IdCardListener):
    def __init__(self):
        self.events = queue.Queue()

    def on_card(self, card):
        self.events.put(("card", card))

    def on_error(self, error):
        self.events.put(("error", type(error)))

    def on_state(self, connected):
        self.events.put(("state", connected))

    def on_no_card(self):
        self.events.put(("no_card", None))

    def next(self, kind, timeout=3.0):
        """The next event of `kind`, skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.events.get(timeout=max(deadline - time.monotonic(), 0.01))
            if event[0] == kind:
                return event[1]

    def within(self, seconds, kind="card"):
        """What came of `kind` in the next `seconds`."""
        time.sleep(seconds)
        seen = []
        while not self.events.empty():
            event, value = self.events.get()
            if event == kind:
                seen.append(value)
        return seen


@pytest.fixture
def polled(emulator):
    """A reader polling the emulator, connected; yields its listener."""
    listener = Recorder()
    r = IdCardReader(settings(emulator), listener)
    r.start()
    assert listener.next("state") is True
    yield listener
    r.stop()


def test_polling_reports_a_card_once_until_lifted(emulator, polled):
    emulator.place(0)
    assert polled.next("card") == emulator.cards[0]
    assert polled.within(0.4) == []  # still lying there: not again
    emulator.place(3)  # swapped without a gap: a different card is new
    assert polled.next("card") == emulator.cards[3]
    emulator.remove()
    assert polled.next("no_card") is None  # seen gone (a guessed sleep may be too short)
    emulator.place(3)  # the same card tapped again after it was lifted
    assert polled.next("card") == emulator.cards[3]


def test_polling_tells_when_the_card_is_gone(emulator, polled):
    """A card read, then lifted: "no card" once; an unreadable card, then lifted: the same,
    so a kiosk forgets both."""
    emulator.place(0)
    assert polled.next("card") == emulator.cards[0]
    emulator.remove()
    assert polled.next("no_card") is None
    emulator.set_fault("read_failed")
    emulator.place(1)
    assert polled.next("error") is ReadFailed
    emulator.remove()
    assert polled.next("no_card") is None
    assert polled.within(0.3, "no_card") == []  # told once, not at every poll


def test_polling_survives_unplug_and_finds_the_reader_again(emulator):
    listener = Recorder()
    r = IdCardReader(settings(emulator), listener)
    r.start()
    try:
        emulator.place(1)
        assert listener.next("card") == emulator.cards[1]
        emulator.set_fault("unplug")
        assert listener.next("state") is False
        assert listener.next("error") is ReaderUnavailable
        time.sleep(0.5)  # several reopen attempts fail meanwhile
        emulator.replug()
        assert listener.next("state") is True
        assert listener.next("card") == emulator.cards[1]  # lifted by the unplug, seen anew
    finally:
        r.stop()


def test_polling_reports_a_silent_reader_as_disconnected(emulator):
    listener = Recorder()
    r = IdCardReader(settings(emulator, retries=0), listener)
    r.start()
    try:
        assert listener.next("state") is True
        emulator.set_fault("silent")
        assert listener.next("error") is ReaderTimeout
        assert listener.next("state") is False
        emulator.set_fault(None)
        assert listener.next("state") is True
    finally:
        r.stop()


def test_a_quick_replug_is_transparent(emulator, reader):
    emulator.place(0)
    assert reader.read_card() == emulator.cards[0]
    emulator.set_fault("unplug")
    emulator.replug()  # back under the same path before the driver noticed
    assert reader.read_card() == emulator.cards[0]
