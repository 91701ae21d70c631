"""Whether a ticket may be issued, and with which green-channel reason.

Ticketing hours, the service's daily cap, the per-ID rules and the green channel, in plain
Python. The counts come from the store; the decisions are made here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..hallconfig.schema import QueuePolicy, Service
from .errors import IdRequired, InvalidRequest, LimitReached, ServiceClosed
from .tickets import PriorityReason

DECLARED_REASONS = {
    PriorityReason.DISABLED,
    PriorityReason.MILITARY,
    PriorityReason.PREGNANT,
}


def check_hours(service: Service, local_now: datetime) -> None:
    moment = local_now.time()
    if any(r.contains(moment) for r in service.hours):
        return
    hours_zh = "、".join(str(r) for r in service.hours) or "-"
    hours = ", ".join(str(r) for r in service.hours) or "-"
    raise ServiceClosed(
        f"“{service.name}”当前不在取号时间（{hours_zh}）/ "
        f"{service.name_en or service.code} is not issuing tickets now (hours: {hours})",
        service=service.code,
        hours=[str(r) for r in service.hours],
    )


def check_identity(service: Service, policy: QueuePolicy, has_id: bool) -> None:
    if has_id:
        return
    if service.requires_id or not policy.allow_without_id:
        raise IdRequired(
            f"“{service.name}”需要刷身份证取号"
            f" / {service.name_en or service.code} needs an ID card",
            service=service.code,
        )


def check_service_cap(service: Service, issued_today: int) -> None:
    if service.daily_cap is not None and issued_today >= service.daily_cap:
        raise LimitReached(
            f"“{service.name}”今日号源已取完（{service.daily_cap}个），请明天再来或预约"
            f" / today's {service.daily_cap} tickets for {service.name_en or service.code}"
            " are all taken: come back tomorrow or book an appointment",
            limit="service_daily_cap",
            service=service.code,
        )


def check_id_caps(
    service: Service, policy: QueuePolicy, id_today_hall: int, id_today_service: int
) -> None:
    if id_today_hall >= policy.per_id_daily_cap:
        raise LimitReached(
            f"同一证件今日取号已达{policy.per_id_daily_cap}次上限"
            f" / this ID has taken the daily maximum of {policy.per_id_daily_cap} tickets",
            limit="id_daily_cap",
        )
    cap = service.per_id_daily_cap
    if cap is not None and id_today_service >= cap:
        raise LimitReached(
            f"同一证件今日“{service.name}”取号已达{cap}次上限"
            f" / this ID has taken the daily maximum of {cap} ticket(s) for this service",
            limit="id_service_daily_cap",
            service=service.code,
        )


def age_on(birth: date, day: date) -> int:
    years = day.year - birth.year
    return years - ((day.month, day.day) < (birth.month, birth.day))


def green_channel(
    policy: QueuePolicy,
    day: date,
    birth_date: date | None,
    declared: PriorityReason | None,
    appointment_on_time: bool,
) -> PriorityReason | None:
    """The green-channel reason, if any: the ID card's age first, then a staff-declared reason,
    then an appointment that checked in on time."""
    if birth_date is not None and age_on(birth_date, day) >= policy.elderly_age:
        return PriorityReason.ELDERLY
    if declared is not None:
        if declared not in DECLARED_REASONS:
            raise InvalidRequest(
                f"不能直接申报“{declared.label}”优先 / priority '{declared}' cannot be declared",
                priority=str(declared),
            )
        return declared
    return PriorityReason.APPOINTMENT if appointment_on_time else None


def appointment_on_time(policy: QueuePolicy, slot_start: datetime, now: datetime) -> bool:
    early = slot_start - timedelta(minutes=policy.appointment_early_minutes)
    late = slot_start + timedelta(minutes=policy.appointment_late_minutes)
    return early <= now <= late
