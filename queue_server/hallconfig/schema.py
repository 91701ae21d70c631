"""Typed configuration of an installation: what the TOML files may say, and nothing else.

Unknown keys are refused (a typo must not silently fall back to a default). Cross references
(a window naming a service, an item naming a department) are checked in `Installation`.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from string import Formatter
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WindowKind(StrEnum):
    DOMAIN = "domain"  # 分领域综合窗口 (also the windows of a branch centre)
    UNDIFFERENTIATED = "undifferentiated"  # 无差别综合窗口
    TEMPORARY = "temporary"  # 临时应急窗口
    DELIVERY = "delivery"  # 统一出件窗口
    DEPARTMENT = "department"  # 部门专窗: a single department's counter, not comprehensive

    @property
    def comprehensive(self) -> bool:
        return self in (WindowKind.DOMAIN, WindowKind.UNDIFFERENTIATED)


class TimeRange(_Model):
    start: time
    end: time

    def contains(self, moment: time) -> bool:
        """Start included, end excluded; an end of 24:00 (stored as 23:59:59.999999) takes in
        the last minute of the day."""
        if self.end == time.max:
            return self.start <= moment
        return self.start <= moment < self.end

    def __str__(self) -> str:
        end = "24:00" if self.end == time.max else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"


def parse_hours(value: object) -> object:
    """Accept "08:30-12:00" strings for TimeRange fields."""
    if isinstance(value, str):
        m = _HOURS.match(value.strip())
        if not m:
            raise ValueError(
                f'时间段"{value}"格式不对，应写成"08:30-12:00"（两位小时、两位分钟）/ '
                f'"{value}" is not a time range like "08:30-12:00" (two-digit hours and minutes)'
            )
        start = time(int(m[1]), int(m[2]))
        end = time.max if m[5] else time(int(m[3]), int(m[4]))
        if end <= start:
            raise ValueError(
                f'时间段"{value}"的结束时间须晚于开始时间 / "{value}": the end must be after '
                "the start"
            )
        return {"start": start, "end": end}
    return value


Hours = Annotated[
    TimeRange,
    BeforeValidator(parse_hours),
    Field(description='a time range such as "08:30-12:00"'),
]
_PLACEHOLDERS = ("number", "window", "window_name", "service")


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f'未知时区"{value}"，请写 IANA 时区名，如"Asia/Shanghai" / unknown time zone '
            f'"{value}" (use an IANA name such as "Asia/Shanghai")'
        ) from exc
    return value


class QueuePolicy(_Model):
    """How a hall runs its queues. Installation defaults, overridable per hall."""

    green_channel_ratio: int = Field(2, ge=0, le=20)
    """Green-channel calls a window makes in a row before it must take a waiting normal ticket
    (0: green channel has no precedence)."""
    elderly_age: int = Field(60, ge=50, le=100)
    max_recalls: int = Field(2, ge=0, le=10)
    no_show_rejoin: bool = True
    rejoin_position: Literal["end", "original"] = "end"
    day_close_time: time = time(18, 0)
    day_close_policy: Literal["expire", "carry_over"] = "expire"
    per_id_daily_cap: int = Field(5, ge=1, le=100)
    allow_without_id: bool = True
    appointment_early_minutes: int = Field(30, ge=0, le=240)
    appointment_late_minutes: int = Field(15, ge=0, le=240)
    default_service_minutes: float = Field(8.0, gt=0, le=240)
    recent_service_samples: int = Field(20, ge=1, le=500)
    announcement_template: str = "请{number}号到{window}号窗口办理"
    announce_repeat: int = Field(2, ge=1, le=5)
    led_template: str = "请{number}到{window}号窗口"

    @field_validator("announcement_template", "led_template")
    @classmethod
    def _template_fields(cls, value: str) -> str:
        allowed = "{number}, {window}, {window_name}, {service}"
        try:
            names = {field for _, field, _, _ in Formatter().parse(value) if field is not None}
        except ValueError as exc:
            raise ValueError(
                f"模板括号不成对 / unbalanced braces in the template ({exc}); "
                f"placeholders are {allowed}"
            ) from None
        unknown = names - set(_PLACEHOLDERS)
        if unknown:
            shown = ", ".join("{" + n + "}" for n in sorted(unknown))
            raise ValueError(
                f"模板中有未知占位符 {shown}，可用 {allowed} / unknown placeholder(s) {shown}; "
                f"use {allowed}"
            )
        if "number" not in names:
            raise ValueError("模板必须包含 {number} / the template must contain {number}")
        return value


class Domain(_Model):
    code: Code
    name: str = Field(min_length=1)
    name_en: str | None = None


class Department(_Model):
    code: Code
    name: str = Field(min_length=1)


class Material(_Model):
    """One row of the acceptance handbook (受理材料标准化手册)."""

    name: str = Field(min_length=1)
    necessity: Literal["required", "optional", "tolerated"] = "required"  # 必要/非必要/容缺
    form: list[Literal["paper", "electronic"]] = ["paper"]
    copies: int = Field(1, ge=0, le=20)
    original: Literal["original", "copy", "original_and_copy"] = "original"
    source: Literal["applicant", "department", "data_sharing"] = "applicant"
    standard: str = ""

    @field_validator("name")
    @classmethod
    def _no_catch_all(cls, value: str) -> str:
        if value.strip() in {"其他材料", "其它材料", "其他相关材料", "其它相关材料"}:
            raise ValueError(
                "不得设置“其他材料”等兜底条款，请逐项列明材料 / catch-all materials "
                "(其他材料) are not allowed: name each material"
            )
        return value


ItemClass = Literal[
    "行政许可",
    "行政确认",
    "行政裁决",
    "行政给付",
    "行政奖励",
    "行政备案",
    "行政征收",
    "其他行政权力",
    "公共服务",
]


class Item(_Model):
    """An item (事项) from the catalog."""

    code: str = Field(pattern=r"^[0-9A-Z]{12}$", description="basic code (基本编码)")
    impl_code: str | None = Field(None, max_length=36, description="implementation code")
    name: str = Field(min_length=1)
    item_class: ItemClass
    department: Code
    domain: Code
    kind: Literal["immediate", "promised", "reply", "joint", "approval"] = "promised"
    legal_limit_days: int | None = Field(None, ge=0)
    promised_limit_days: int | None = Field(None, ge=0)
    fee: str = "不收费"
    max_visits: int = Field(1, ge=0, le=5)
    mail_delivery: bool = False
    appointment: bool = False
    materials: list[Material] = []

    @model_validator(mode="after")
    def _limits(self) -> Item:
        if self.kind == "promised" and self.promised_limit_days is None:
            raise ValueError("a promised item (承诺件) needs promised_limit_days")
        if (
            self.legal_limit_days is not None
            and self.promised_limit_days is not None
            and self.promised_limit_days > self.legal_limit_days
        ):
            raise ValueError("promised_limit_days cannot exceed legal_limit_days")
        return self


class Service(_Model):
    """A queue: tickets wait for a service, never for a window."""

    code: Code
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$")
    name: str = Field(min_length=1)
    name_en: str | None = None
    domain: Code
    hours: list[Hours] = Field(
        default_factory=lambda: [
            TimeRange(start=time(8, 30), end=time(12, 0)),
            TimeRange(start=time(14, 0), end=time(17, 30)),
        ]
    )
    daily_cap: int | None = Field(None, ge=1)
    per_id_daily_cap: int | None = Field(1, ge=1)
    waiting_alert: int | None = Field(20, ge=1)
    wait_alert_minutes: int | None = Field(30, ge=1)
    wait_area: str | None = None
    requires_id: bool = False
    items: list[str] = []


class Window(_Model):
    number: int = Field(ge=1, le=9999)
    name: str = Field(min_length=1)
    kind: WindowKind
    area: str | None = None
    zone: Code | None = None
    services: list[Code] = []
    domains: list[Code] = []
    led_address: int | None = Field(None, ge=0, le=99)


class Zone(_Model):
    code: Code
    name: str = Field(min_length=1)


class Hall(_Model):
    code: Code
    name: str = Field(min_length=1)
    name_en: str | None = None
    kind: Literal["centre", "branch", "township"] = "centre"
    address: str | None = None
    timezone: str | None = None
    notice: str = ""
    policy: QueuePolicy = QueuePolicy()
    zones: list[Zone] = []
    undifferentiated: list[Code] = Field(
        default=[], description="services that undifferentiated windows serve"
    )
    services: list[Service]
    windows: list[Window]

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return _check_timezone(value)


class Installation(_Model):
    name: str = Field(min_length=1)
    timezone: str = "Asia/Shanghai"
    demo: bool = False
    domains: list[Domain]
    departments: list[Department] = []
    items: list[Item] = []
    halls: list[Hall] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return _check_timezone(value)

    def hall(self, code: str) -> Hall:
        for hall in self.halls:
            if hall.code == code:
                return hall
        raise KeyError(code)

    def hall_timezone(self, hall: Hall) -> ZoneInfo:
        return ZoneInfo(hall.timezone or self.timezone)

    def window_services(self, hall: Hall, window: Window) -> list[str]:
        """The service codes a window serves at start: its own list, its domains' services, and
        for an undifferentiated window the hall's undifferentiated set."""
        codes = list(window.services)
        for service in hall.services:
            if service.domain in window.domains and service.code not in codes:
                codes.append(service.code)
        if window.kind is WindowKind.UNDIFFERENTIATED:
            codes += [c for c in hall.undifferentiated if c not in codes]
        return codes
