from datetime import UTC, date, datetime, timedelta

import pytest

from queue_server.domain import admission
from queue_server.domain.errors import IdRequired, InvalidRequest, LimitReached, ServiceClosed
from queue_server.domain.estimate import estimated_wait_minutes, mean_service_minutes
from queue_server.domain.privacy import IdHasher, mask_id_number, mask_name
from queue_server.domain.tickets import PriorityReason
from queue_server.hallconfig.schema import QueuePolicy, Service

SERVICE = Service.model_validate(
    {
        "code": "tax",
        "prefix": "A",
        "name": "税务",
        "domain": "tax",
        "hours": ["08:30-12:00", "14:00-17:30"],
        "daily_cap": 3,
        "per_id_daily_cap": 1,
    }
)
POLICY = QueuePolicy(per_id_daily_cap=2)


@pytest.mark.parametrize(
    "hhmm,ok",
    [
        ((8, 29), False),
        ((8, 30), True),
        ((11, 59), True),
        ((12, 0), False),
        ((14, 0), True),
        ((17, 30), False),
    ],
)
def test_ticketing_hours(hhmm, ok):
    moment = datetime(2026, 11, 25, *hhmm)
    if ok:
        admission.check_hours(SERVICE, moment)
    else:
        with pytest.raises(ServiceClosed, match="08:30-12:00"):
            admission.check_hours(SERVICE, moment)


def test_caps():
    admission.check_service_cap(SERVICE, 2)
    with pytest.raises(LimitReached, match="3 tickets"):
        admission.check_service_cap(SERVICE, 3)
    admission.check_id_caps(SERVICE, POLICY, 1, 0)
    with pytest.raises(LimitReached, match="daily maximum of 2"):
        admission.check_id_caps(SERVICE, POLICY, 2, 0)
    with pytest.raises(LimitReached, match="for this service"):
        admission.check_id_caps(SERVICE, POLICY, 0, 1)


def test_identity_required():
    admission.check_identity(SERVICE, POLICY, has_id=False)
    with pytest.raises(IdRequired):
        admission.check_identity(SERVICE.model_copy(update={"requires_id": True}), POLICY, False)
    with pytest.raises(IdRequired):
        admission.check_identity(SERVICE, QueuePolicy(allow_without_id=False), False)


def test_elderly_from_birth_date_on_the_day():
    day = date(2026, 11, 25)
    assert admission.age_on(date(1966, 11, 25), day) == 60
    assert admission.age_on(date(1966, 11, 26), day) == 59
    assert (
        admission.green_channel(POLICY, day, date(1966, 11, 25), None, False)
        is PriorityReason.ELDERLY
    )
    assert admission.green_channel(POLICY, day, date(1966, 11, 26), None, False) is None
    assert admission.green_channel(POLICY, day, None, None, True) is PriorityReason.APPOINTMENT
    assert (
        admission.green_channel(POLICY, day, None, PriorityReason.MILITARY, False)
        is PriorityReason.MILITARY
    )
    with pytest.raises(InvalidRequest):
        admission.green_channel(POLICY, day, None, PriorityReason.ELDERLY, False)


def test_appointment_on_time_window():
    slot = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    assert admission.appointment_on_time(POLICY, slot, slot - timedelta(minutes=30))
    assert not admission.appointment_on_time(POLICY, slot, slot - timedelta(minutes=31))
    assert admission.appointment_on_time(POLICY, slot, slot + timedelta(minutes=15))
    assert not admission.appointment_on_time(POLICY, slot, slot + timedelta(minutes=16))


def test_estimate():
    assert mean_service_minutes([], 8.0) == 8.0
    assert mean_service_minutes([300, 420, 0], 8.0) == 6.0
    # tickets closed in seconds do not make a long queue look empty: one minute at least
    assert mean_service_minutes([5, 8, 11], 8.0) == 1.0
    assert estimated_wait_minutes(302, 1, mean_service_minutes([5, 8, 11], 8.0)) == 302
    assert estimated_wait_minutes(0, 0, 5) is None  # first in line, but no window open
    assert estimated_wait_minutes(0, 1, 5) == 0
    assert estimated_wait_minutes(4, 0, 5) is None
    assert estimated_wait_minutes(4, 2, 5) == 10
    assert estimated_wait_minutes(3, 2, 5) == 8


def test_masking_and_keyed_hash():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("") is None
    assert mask_id_number("500101199001011234") == "5001**********1234"
    assert mask_id_number("1234") == "****"
    h = IdHasher(b"s" * 32)
    assert (
        h("11010519491231002x")
        == h("11010519491231002X")
        != IdHasher(b"t" * 32)("11010519491231002X")
    )
    assert "11010519491231002X" not in h("11010519491231002X")
    with pytest.raises(ValueError):
        IdHasher(b"short")


def test_device_token_cache_expires():
    from queue_server.services.runtime import TtlCache

    now = [100.0]
    cache = TtlCache(10.0, now=lambda: now[0])
    cache.put("t", "kiosk-1")
    now[0] = 109.9
    assert cache.get("t") == "kiosk-1"
    now[0] = 110.0
    assert cache.get("t") is None
    cache.put("t", "kiosk-1")
    cache.clear()
    assert cache.get("t") is None
