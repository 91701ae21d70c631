"""Call-out phrases from a hall's configuration, and the calls found in a batch of events."""

from __future__ import annotations

from pathlib import Path

from display.web.callouts import called_windows, hall_phrase, phrase_for
from queue_server.domain.events import DomainEvent
from queue_server.hallconfig import load_installation

ROOT = Path(__file__).resolve().parents[3]


def test_phrase_from_the_demo_hall():
    inst = load_installation(ROOT / "config" / "demo" / "installation.toml")
    county = inst.hall("county")
    phrase = hall_phrase(county, 3, "A001")
    assert phrase is not None
    assert phrase.display == "请A001号到3号窗口办理"
    assert phrase.speech == "请A 零零一号到三号窗口办理"
    assert phrase.repeat == county.policy.announce_repeat == 2
    vehicle = hall_phrase(inst.hall("vehicle"), 2, "B012")  # its own template
    assert vehicle is not None and vehicle.display.endswith("车驾管业务")
    assert hall_phrase(county, 99, "A001") is None  # no such window
    assert hall_phrase(county, 3, "X001") is None  # no service with prefix X
    assert hall_phrase(county, 3, "A-001") is None


def test_window_name_and_service_fields():
    phrase = phrase_for(
        "请{number}到{window_name}（{service}）", "T015", 12, "税务{窗口}", "税务", 1
    )
    assert phrase.display == "请T015到税务{窗口}（税务）"
    assert phrase.speech == "请T 零一五到税务{窗口}(税务)"  # speech text is NFKC


def test_called_windows_of_a_batch():
    def event(name: str, number: str | None, window: int | None) -> DomainEvent:
        payload = {
            "ticket": {"number": number} if number else None,
            "window": {"number": window} if window is not None else None,
        }
        return DomainEvent(name=name, hall="county", payload=payload)

    batch = [
        event("ticket.completed", "A001", 3),
        event("ticket.called", "A002", 3),
        event("ticket.issued", "A003", None),
        event("ticket.recalled", "A002", 3),
        event("ticket.called", None, 3),
    ]
    assert called_windows(batch) == [("county", 3, "A002"), ("county", 3, "A002")]
