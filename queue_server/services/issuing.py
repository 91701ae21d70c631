"""Issue a ticket (取号): hours, caps, per-ID rules, green channel, an atomic number."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from drivers.idcard import idnumber

from ..adapters.uow import UnitOfWork
from ..domain import admission
from ..domain.errors import (
    DuplicateTicket,
    Forbidden,
    IdempotencyConflict,
    InvalidRequest,
    NotFound,
)
from ..domain.privacy import mask_id_number, mask_name
from ..domain.tickets import PriorityReason, Ticket
from .auth import Principal, require_issue
from .events import ticket_event
from .runtime import Runtime
from .views import full_ticket_view, queue_counts

# Document kinds whose number follows GB 11643 (the HK/Macao/Taiwan residence permit does too).
CHECKED_KINDS = {"resident", "hmt_permit"}
DOCUMENT_KINDS = CHECKED_KINDS | {"foreigner_2017", "foreigner_2023", "other"}


@dataclass(frozen=True)
class IdCardData:
    id_number: str
    name: str | None = None
    birth_date: date | None = None
    kind: str = "resident"


@dataclass(frozen=True)
class IssueTicket:
    hall: str
    service: str
    id_card: IdCardData | None = None
    priority: PriorityReason | None = None
    channel: str = "kiosk"
    appointment_ref: str | None = None
    appointment_slot: datetime | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Issued:
    ticket: dict[str, Any]
    created: bool


def checked_card(card: IdCardData) -> tuple[str, date | None]:
    if card.kind not in DOCUMENT_KINDS:
        raise InvalidRequest(
            f"unknown document kind '{card.kind}'; use one of {sorted(DOCUMENT_KINDS)}"
        )
    if card.kind in CHECKED_KINDS:
        try:
            number = idnumber.validate(card.id_number)
        except idnumber.InvalidIdNumber as exc:
            raise InvalidRequest(str(exc), field="id_card.id_number") from None
        # the number carries the birth date: a different one sent beside it (which would
        # decide the elderly green channel) is refused, never believed
        born = idnumber.birth_date(number)
        if card.birth_date is not None and card.birth_date != born:
            raise InvalidRequest(
                "出生日期与证件号码不符 / the birth date does not match the one in the ID number",
                field="id_card.birth_date",
            )
        return number, born
    number = idnumber.normalize(card.id_number)
    if not (6 <= len(number) <= 36 and number.isalnum()):
        raise InvalidRequest(
            "证件号码格式不正确 / the document number is not valid", field="id_card.id_number"
        )
    return number, card.birth_date


def issue_ticket(
    rt: Runtime,
    cmd: IssueTicket,
    actor: Principal,
    within: Callable[[UnitOfWork, Ticket], None] | None = None,
) -> Issued:
    """Issue one ticket in one transaction; `within(uow, ticket)` runs in that transaction
    before commit (an appointment check-in claims its booking there)."""
    require_issue(actor, cmd.hall)
    service = rt.service(cmd.hall, cmd.service)
    policy = rt.policy(cmd.hall)
    if cmd.priority is not None and actor.kind == "device":
        raise Forbidden(
            "绿色通道请到导办台由工作人员办理 / ask staff at the help desk for the green channel"
        )
    key = _sender_key(actor, cmd.idempotency_key) if cmd.idempotency_key else None
    now = rt.clock.now()
    try:
        with rt.uow() as uow:
            existing = uow.tickets.by_idempotency_key(key) if key else None
            if existing is not None:  # a retry of a tap that was issued: the same ticket
                return _replayed(rt, uow, existing, cmd)
            local = rt.local(cmd.hall, now)
            day = local.date()
            admission.check_hours(service, local)
            number_text, birth = checked_card(cmd.id_card) if cmd.id_card else (None, None)
            admission.check_identity(service, policy, number_text is not None)
            on_time = cmd.appointment_slot is not None and admission.appointment_on_time(
                policy, cmd.appointment_slot, now
            )
            reason = admission.green_channel(policy, day, birth, cmd.priority, on_time)
            id_hash = rt.hasher(number_text) if number_text else None
            if id_hash:
                issued_today = uow.tickets.bump_id_counter(cmd.hall, day, id_hash) - 1
                same_service = uow.tickets.count_for_id(cmd.hall, service.code, id_hash, day)
                open_ticket = uow.tickets.open_for_id(cmd.hall, service.code, id_hash)
                if open_ticket is not None:
                    raise DuplicateTicket(
                        f"您已取号{open_ticket.display_number}（{open_ticket.state.label}），"
                        "请勿重复取号 / you already hold ticket "
                        f"{open_ticket.display_number} for this service",
                        ticket=open_ticket.display_number,
                        ticket_id=open_ticket.public_id,
                    )
                admission.check_id_caps(service, policy, issued_today, same_service)
            number = uow.tickets.next_number(cmd.hall, service.code, day)
            admission.check_service_cap(service, number - 1)
            ticket = Ticket(
                id=None,
                public_id=secrets.token_urlsafe(12),
                hall=cmd.hall,
                service=service.code,
                issued_service=service.code,
                prefix=service.prefix,
                number=number,
                service_day=day,
                issued_at=now,
                queued_at=now,
                priority=reason,
                channel=cmd.channel,
                citizen_name=mask_name(cmd.id_card.name) if cmd.id_card else None,
                id_number=mask_id_number(number_text),
                id_hash=id_hash,
                appointment_ref=cmd.appointment_ref,
                idempotency_key=key,
            )
            uow.tickets.add(ticket, device=actor.name if actor.kind == "device" else None)
            if within is not None:
                within(uow, ticket)
            uow.audit_ticket(
                now,
                "ticket.issue",
                actor.name,
                ticket,
                detail={"service": service.code, "priority": reason, "channel": cmd.channel},
            )
            # Everyone already waiting for the service is ahead of a new normal ticket, so the
            # event's waiting count gives the place; a green-channel ticket is counted.
            queues = queue_counts(rt, uow, cmd.hall, {service.code})
            ahead = queues[service.code]["waiting"] - 1 if reason is None else None
            view = full_ticket_view(rt, uow, ticket, ahead=ahead)
            uow.record(ticket_event(rt, uow, "ticket.issued", ticket, view=view, queues=queues))
            uow.commit()
    except IntegrityError as exc:
        return _after_conflict(rt, cmd, key, exc)
    return Issued(view, created=True)


def _sender_key(actor: Principal, key: str) -> str:
    """Idempotency keys belong to whoever sent them: two kiosks may both send "tap-1"."""
    return f"{actor.name}:{key}"


def issued_under_key(rt: Runtime, hall: str, key: str, actor: Principal) -> dict[str, Any]:
    """The ticket an earlier issue request of `actor` got with `key`: a kiosk whose answer was
    lost learns it this way (keys belong to the device or account that sent them)."""
    require_issue(actor, hall)
    rt.hall(hall)
    with rt.uow(write=False) as uow:
        ticket = uow.tickets.by_idempotency_key(_sender_key(actor, key))
        if ticket is None or ticket.hall != hall:
            raise NotFound(
                f"该请求编号没有取到号码 / no ticket was issued under the key '{key}'", key=key
            )
        return full_ticket_view(rt, uow, ticket)


def _replayed(rt: Runtime, uow: UnitOfWork, existing: Ticket, cmd: IssueTicket) -> Issued:
    """The ticket a repeated request already issued; the same key with another service is a
    mistake in the client, not a retry."""
    if existing.issued_service != cmd.service:
        raise IdempotencyConflict(
            f"该请求编号已用于{existing.display_number}的取号，请换一个编号"
            f" / this idempotency key already issued {existing.display_number} for another"
            " service: send a new key",
            ticket=existing.display_number,
        )
    return Issued(full_ticket_view(rt, uow, existing), created=False)


def _after_conflict(
    rt: Runtime, cmd: IssueTicket, key: str | None, exc: IntegrityError
) -> Issued:
    """A unique index stopped a double issue: the same idempotency key (a double tap that
    raced) returns the first ticket; the same ID for the same service is refused."""
    if key:
        with rt.uow(write=False) as uow:
            existing = uow.tickets.by_idempotency_key(key)
            if existing is not None:
                return _replayed(rt, uow, existing, cmd)
    if "open_per_id" in str(exc.orig) or "id_hash" in str(exc.orig):
        raise DuplicateTicket(
            "您已有该业务的号码，请勿重复取号 / you already hold a ticket for this service"
        ) from None
    raise exc
