"""Request and response models of the API (pydantic); APIFlask validates requests with them
and documents everything in /api/v1/openapi.json."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- requests ------------------------------------------------------------------------------
class LoginIn(_In):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    hall: str | None = Field(None, description="hall code; clerks must give hall and window")
    window: int | None = Field(None, ge=1, description="window number the clerk signs in at")
    takeover: bool = Field(
        False,
        description="take the window over from another clerk signed in there (ends their"
        " sessions at that window); without it such a sign-in answers 409 window_taken",
    )


class IdCardIn(_In):
    id_number: str = Field(
        min_length=6, max_length=36, description="read from the card; never stored raw"
    )
    name: str | None = Field(None, max_length=80)
    birth_date: date | None = None
    kind: Literal["resident", "hmt_permit", "foreigner_2017", "foreigner_2023", "other"] = (
        "resident"
    )


class AppointmentIn(_In):
    ref: str = Field(min_length=1, max_length=80)
    slot_start: datetime


class IssueIn(_In):
    service: str = Field(min_length=1, max_length=40, description="service code")
    id_card: IdCardIn | None = None
    priority: Literal["disabled", "military", "pregnant"] | None = Field(
        None, description="green-channel reason declared by staff (kiosks cannot declare one)"
    )
    channel: Literal["kiosk", "counter", "appointment", "phone", "api"] = "kiosk"
    appointment: AppointmentIn | None = None
    idempotency_key: str | None = Field(
        None, max_length=64, description="repeat it on retries: the same ticket comes back"
    )


class BookIn(_In):
    service: str = Field(min_length=1, max_length=40)
    slot_start: datetime = Field(description="with a time zone, e.g. 2026-11-26T09:30:00+08:00")
    id_card: IdCardIn | None = None


class CheckInIn(_In):
    id_card: IdCardIn | None = Field(
        None, description="when given and the booking named an ID, they must match"
    )


class CallIn(_In):
    ticket: str = Field(
        min_length=1,
        max_length=40,
        description='number like "A012", digits alone ("012": among the window\'s services) or'
        " ticket id",
    )


class ResumeIn(_In):
    ticket: str | None = Field(
        None,
        max_length=40,
        description='number like "A012", digits alone or ticket id; none: the one ticket'
        " suspended at this window",
    )


class TransferIn(_In):
    service: str | None = Field(None, max_length=40)
    window: int | None = Field(None, ge=1)
    note: str | None = Field(None, max_length=200)


class ReasonIn(_In):
    reason: str | None = Field(None, max_length=200)


class LogoutIn(_In):
    everywhere: bool = False


# --- responses -----------------------------------------------------------------------------
class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class ServiceRef(_Out):
    code: str
    name: str
    name_en: str | None = None
    prefix: str


class WindowRef(_Out):
    number: int | None
    name: str
    area: str | None = None
    zone: str | None = None


class Citizen(_Out):
    name: str | None = Field(None, description="masked, e.g. 张*")
    id_number: str | None = Field(None, description="masked, e.g. 5001**********1234")


class TicketOut(_Out):
    id: str
    hall: str
    number: str
    service: ServiceRef
    state: Literal[
        "waiting", "called", "serving", "suspended", "done", "no_show", "cancelled", "expired"
    ]
    state_label: str
    priority: str | None
    priority_label: str | None
    channel: str
    window: WindowRef | None
    target_window: int | None
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    recall_count: int
    transfer_count: int
    rejoined: bool
    note: str | None
    citizen: Citizen
    waiting_ahead: int | None
    estimated_wait_minutes: int | None
    wait_area: str | None
    status_path: str


class WindowOut(_Out):
    number: int
    name: str
    kind: str
    area: str | None
    zone: str | None
    state: Literal["open", "paused", "closed"]
    state_label: str
    pause_reason: str | None
    clerk: str | None
    services: list[ServiceRef]
    led_address: int | None
    active: bool
    current: TicketOut | None


class AppointmentOut(_Out):
    ref: str
    qr: str = Field(description="what the appointment QR code holds: OWAPPT:<ref>")
    hall: str
    service: ServiceRef
    slot_start: datetime
    state: Literal["booked", "checked_in", "cancelled"]
    citizen: Citizen


class HallOut(_Out):
    code: str
    name: str
    name_en: str | None
    kind: str
    address: str | None
    timezone: str = Field(description="the hall's time zone (IANA), e.g. Asia/Shanghai")
    services: int
    windows: int


class ServiceOut(_Out):
    code: str
    prefix: str
    name: str
    name_en: str | None
    domain: dict[str, Any]
    hours: list[str]
    open_now: bool
    requires_id: bool
    wait_area: str | None
    open_windows: int
    waiting: int
    longest_wait_seconds: int
    items: list[str]


class SnapshotOut(_Out):
    hall: dict[str, Any]
    server_time: datetime
    windows: list[WindowOut]
    queues: dict[str, dict[str, int]]
    services: list[dict[str, Any]]
    recent_calls: list[TicketOut]


class TokenOut(_Out):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: datetime
    csrf_token: str
    user: dict[str, Any]


class HealthOut(_Out):
    status: Literal["ok"]
    database: str
    version: str
    time: datetime


class HallList(_Out):
    halls: list[HallOut]


class ServiceList(_Out):
    hall: str
    services: list[ServiceOut]


class WindowList(_Out):
    hall: str
    windows: list[WindowOut]


class MeOut(_Out):
    name: str
    kind: str
    role: str
    halls: list[str]
    window: dict[str, Any] | None


class CountOut(_Out):
    revoked: int
