"""Loading the dated configuration files of the case queue (``remuneration/cases/config``).

Every file has the same shape: a ``name`` and a list of ``versions``, each with ``valid_from``
(strictly increasing) and a non-empty ``source``; the version in force on a date is the latest
one that started on or before it. Pydantic checks the files at this edge; the domain receives
frozen dataclasses. Floats are refused for thresholds (write ``"80"``, not ``80.0``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

from rules.reference_data import (
    ReferenceDataError,
    check_dates,
    in_force,
    parse_date,
    read_resource,
    read_yaml,
)

from .assignment import WorkRules
from .auto_cases import AutoCaseRule, AutoCaseTrigger, Contact
from .business_calendar import MINUTES_PER_DAY, BusinessCalendar, OpeningInterval
from .errors import CaseConfigurationError, CaseDomainError
from .macros import Macro
from .service_levels import ServiceLevelPolicy, SlaTargets, TargetOverride
from .vocabulary import CaseStatus, Category, Channel, Priority, ResolutionReason

__all__ = [
    "load_auto_case_rules",
    "load_business_calendar",
    "load_macros",
    "load_service_levels",
    "load_work_rules",
    "parse_business_duration",
]

_PACKAGE = "remuneration.cases.config"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_INTERVAL = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Version(_Strict):
    valid_from: date
    source: str = Field(min_length=10)

    @field_validator("valid_from", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> date:
        return parse_date(value, where="valid_from")


class _CalendarVersion(_Version):
    timezone: str
    country: str
    default_departement: str | None = None
    opening_hours: dict[str, list[str]]
    holiday_subdivisions: dict[str, str]


class _Targets(_Strict):
    first_response: str
    next_response: str
    resolution: str


class _Override(_Strict):
    category: Category
    priority: Priority | None = None
    first_response: str | None = None
    next_response: str | None = None
    resolution: str | None = None
    written_answer_required: bool | None = None


class _ServiceLevelVersion(_Version):
    business_day_hours: StrictInt = Field(ge=1, le=24)
    at_risk_percent: Decimal
    raise_priority_on_breach: bool
    first_response_ceilings: dict[Channel, str]
    by_priority: dict[Priority, _Targets]
    overrides: list[_Override] = Field(default_factory=list)

    @field_validator("at_risk_percent", mode="before")
    @classmethod
    def _no_float(cls, value: object) -> object:
        if isinstance(value, float):
            raise ValueError("write the threshold as a quoted decimal, e.g. '80'")
        return value


class _Trigger(_Strict):
    category: Category
    priority: Priority
    contact: Contact
    linked_object: str
    delay_business_days: StrictInt | None = None
    window_calendar_days: StrictInt | None = None


class _AutoCaseVersion(_Version):
    triggers: dict[AutoCaseTrigger, _Trigger]


class _WorkVersion(_Version):
    default_open_case_cap: StrictInt
    automatic_cases_team: str | None = None
    service_contact: str = ""


class _Macro(_Strict):
    label: str = Field(min_length=1)
    status: CaseStatus | None = None
    resolution_reason: ResolutionReason | None = None
    message: str | None = None
    note: str | None = None
    reminder_calendar_days: StrictInt | None = None


class _MacroVersion(_Version):
    macros: dict[str, _Macro]


V = TypeVar("V", bound=_Version)
T = TypeVar("T")


def load_business_calendar(
    *, on: date, departement: str | None = None, path: Path | None = None
) -> BusinessCalendar:
    """The business calendar in force on ``on`` for a département (default: the file's).

    Only the départements listed in ``holiday_subdivisions`` (57, 67, 68) get the
    Alsace-Moselle days; every other one gets the national holidays.
    """
    version = _load("calendar.yaml", "business_calendar", _CalendarVersion, on, path)
    chosen = departement if departement is not None else version.default_departement
    subdivision = version.holiday_subdivisions.get(chosen) if chosen is not None else None
    _check_holidays(version.country, subdivision, on)
    try:
        timezone = ZoneInfo(version.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CaseConfigurationError(f"Fuseau horaire inconnu : « {version.timezone} ».") from exc
    return _guard(
        lambda: BusinessCalendar(
            timezone=timezone,
            weekly_hours=_weekly_hours(version.opening_hours),
            country=version.country,
            holiday_subdivision=subdivision,
            departement=chosen,
        )
    )


def load_service_levels(*, on: date, path: Path | None = None) -> ServiceLevelPolicy:
    """The service-level policy in force on ``on``."""
    version = _load("service_levels.yaml", "service_levels", _ServiceLevelVersion, on, path)
    hours = version.business_day_hours

    def duration(text: str | None) -> timedelta | None:
        return None if text is None else parse_business_duration(text, business_day_hours=hours)

    return _guard(
        lambda: ServiceLevelPolicy(
            valid_from=version.valid_from,
            source=version.source,
            by_priority=MappingProxyType(
                {p: _targets(t, hours) for p, t in version.by_priority.items()}
            ),
            overrides=tuple(
                TargetOverride(
                    category=o.category,
                    priority=o.priority,
                    first_response=duration(o.first_response),
                    next_response=duration(o.next_response),
                    resolution=duration(o.resolution),
                    written_answer_required=o.written_answer_required,
                )
                for o in version.overrides
            ),
            first_response_ceilings=MappingProxyType(
                {
                    channel: parse_business_duration(text, business_day_hours=hours)
                    for channel, text in version.first_response_ceilings.items()
                }
            ),
            at_risk_percent=version.at_risk_percent,
            raise_priority_on_breach=version.raise_priority_on_breach,
        )
    )


def load_auto_case_rules(
    *, on: date, path: Path | None = None
) -> Mapping[AutoCaseTrigger, AutoCaseRule]:
    """The automatic-case table in force on ``on``; every trigger of docs/cases.md must be there."""
    version = _load("auto_cases.yaml", "auto_cases", _AutoCaseVersion, on, path)
    missing = sorted(t.value for t in AutoCaseTrigger if t not in version.triggers)
    if missing:
        raise CaseConfigurationError(f"Dossiers automatiques sans règle : {', '.join(missing)}.")
    return _guard(
        lambda: MappingProxyType(
            {
                trigger: AutoCaseRule(trigger=trigger, **row.model_dump())
                for trigger, row in version.triggers.items()
            }
        )
    )


def load_work_rules(*, on: date, path: Path | None = None) -> WorkRules:
    """The work rules (round-robin cap) in force on ``on``."""
    version = _load("work_rules.yaml", "work_rules", _WorkVersion, on, path)
    return _guard(
        lambda: WorkRules(
            default_open_case_cap=version.default_open_case_cap,
            automatic_cases_team=version.automatic_cases_team,
            service_contact=version.service_contact,
        )
    )


def load_macros(*, on: date, path: Path | None = None) -> Mapping[str, Macro]:
    """The macros in force on ``on``, by key."""
    version = _load("macros.yaml", "macros", _MacroVersion, on, path)
    return _guard(
        lambda: MappingProxyType(
            {
                key: Macro(
                    key=key,
                    label=m.label,
                    status=m.status,
                    resolution_reason=m.resolution_reason,
                    message_template=m.message,
                    note_template=m.note,
                    reminder_calendar_days=m.reminder_calendar_days,
                )
                for key, m in version.macros.items()
            }
        )
    )


def parse_business_duration(text: str, *, business_day_hours: int) -> timedelta:
    """``"1d4h30m"`` → business time; a day is ``business_day_hours`` hours of opening time."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or not text.strip():
        raise CaseConfigurationError(
            f"Durée invalide : « {text} » (exemples : « 5d », « 4h », « 1d4h », « 30m »)."
        )
    days, hours, minutes = (int(group or 0) for group in match.groups())
    return timedelta(hours=days * business_day_hours + hours, minutes=minutes)


def _load(file_name: str, name: str, model: type[V], on: date, path: Path | None) -> V:
    raw = _read(file_name, None if path is None else str(path))
    if not isinstance(raw, dict) or raw.get("name") != name:
        raise CaseConfigurationError(f"« {file_name} » doit avoir « name: {name} ».")
    try:
        versions = [model.model_validate(item) for item in raw.get("versions") or []]
        check_dates([v.valid_from for v in versions], where=f"{file_name} versions")
        return in_force(versions, on, start=lambda v: v.valid_from, where=file_name)
    except ValidationError as exc:
        raise CaseConfigurationError(f"Configuration invalide « {file_name} » : {exc}") from exc
    except ReferenceDataError as exc:
        raise CaseConfigurationError(f"Configuration invalide : {exc}") from exc


@lru_cache(maxsize=32)
def _read(file_name: str, path: str | None) -> Any:
    try:
        return read_resource(_PACKAGE, file_name) if path is None else read_yaml(Path(path))
    except ReferenceDataError as exc:
        raise CaseConfigurationError(f"Configuration invalide : {exc}") from exc


def _weekly_hours(
    opening_hours: Mapping[str, list[str]],
) -> tuple[tuple[OpeningInterval, ...], ...]:
    if sorted(opening_hours) != sorted(_WEEKDAYS):
        raise CaseConfigurationError(
            f"Les horaires doivent donner les 7 jours : {', '.join(_WEEKDAYS)}."
        )
    return tuple(tuple(_interval(text) for text in opening_hours[day]) for day in _WEEKDAYS)


def _interval(text: str) -> OpeningInterval:
    match = _INTERVAL.fullmatch(text)
    if match is None:
        raise CaseConfigurationError(f"Plage d'ouverture invalide : « {text} » (ex. 09:00-12:30).")
    start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
    if start_m >= 60 or end_m >= 60 or end_h * 60 + end_m > MINUTES_PER_DAY:
        raise CaseConfigurationError(f"Heure invalide dans la plage « {text} ».")
    return _guard(lambda: OpeningInterval(start_h * 60 + start_m, end_h * 60 + end_m))


def _targets(targets: _Targets, hours: int) -> SlaTargets:
    return SlaTargets(
        first_response=parse_business_duration(targets.first_response, business_day_hours=hours),
        next_response=parse_business_duration(targets.next_response, business_day_hours=hours),
        resolution=parse_business_duration(targets.resolution, business_day_hours=hours),
    )


def _check_holidays(country: str, subdivision: str | None, on: date) -> None:
    try:
        holidays.country_holidays(country, subdiv=subdivision, years=on.year)
    except NotImplementedError as exc:
        raise CaseConfigurationError(
            f"Jours fériés inconnus pour {country} / « {subdivision} »."
        ) from exc


def _guard(build: Callable[[], T]) -> T:
    """Turn a domain refusal while building configuration into a configuration error."""
    try:
        return build()
    except CaseConfigurationError:
        raise
    except CaseDomainError as exc:
        raise CaseConfigurationError(f"Configuration invalide : {exc.message}") from exc
