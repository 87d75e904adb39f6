"""The evaluation contract's request, described once: every field, its type, its JSON path,
whether it is required.

Everything else follows from this table: ``rules.contract`` walks it to read a request,
``rules.contract_schema`` turns it into the JSON Schema the OpenAPI document shows, and the
request builders of ``remuneration`` and ``payments`` write their requests through ``emit`` (an
unknown field name there is a programming error, caught at once). Adding a fact is: one line
here, one field on the matching named tuple of ``rules.facts``, the rule that uses it, and the
builders that know its value (``docs/architecture.md``, "How to add a fact").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rules.facts import AidKind, CodeStatus, ExitReason, Indemnity, Sex, Status
from rules.periods import Month

__all__ = [
    "AIDS",
    "DOCUMENTS",
    "EXIT",
    "HISTORY",
    "IDENTITY",
    "INSERTION",
    "MONTHS",
    "REQUEST",
    "RIB",
    "TRAINEE",
    "TRAINING",
    "VITALE",
    "Field",
    "Kind",
    "emit",
    "paths",
]

_ZERO = Decimal(0)


class Kind(StrEnum):
    """How a field is written in JSON (and read: see ``rules.reader.Reader``)."""

    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"  # "AAAA-MM-JJ"
    MONTH = "month"  # "AAAA-MM"
    NUMBER = "number"  # hours, distances: a JSON number or a decimal string, never negative
    MONEY = "money"  # a decimal string with at most two decimals, never negative
    CHOICE = "choice"  # one of the values of ``choices``
    OBJECT = "object"  # the fields of ``fields``
    LIST = "list"  # a list of objects, each with the fields of ``fields``


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the request.

    ``required``: absent or null is a ``required`` problem (every other field may be unknown);
    ``default``: the value an absent field takes (only for hours and amounts that are zero
    unless stated); ``null_when_unknown``: builders write ``null`` rather than leave it out;
    ``item``: for a list, how a null item is named in its problem (French, then English).
    """

    name: str
    kind: Kind
    required: bool = False
    choices: type[StrEnum] | None = None
    fields: tuple[Field, ...] = ()
    default: Decimal | None = None
    null_when_unknown: bool = False
    item: tuple[str, str] = ("élément attendu", "an item is expected")

    @property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)


def _obj(name: str, *fields: Field, null_when_unknown: bool = False) -> Field:
    return Field(name, Kind.OBJECT, fields=fields, null_when_unknown=null_when_unknown)


def _choice(name: str, choices: type[StrEnum], *, required: bool = False) -> Field:
    return Field(name, Kind.CHOICE, required=required, choices=choices)


INSERTION = _obj(
    "insertion",
    Field("contract", Kind.TEXT),
    Field("are_complement", Kind.BOOLEAN),
    Field("training_hours_outside_work", Kind.NUMBER),
    null_when_unknown=True,
)
TRAINEE = _obj(
    "trainee",
    Field("last_name", Kind.TEXT),
    Field("first_names", Kind.TEXT),
    Field("birth_date", Kind.DATE),
    _choice("sex", Sex),
    _choice("status", Status),
    Field("france_travail_registered", Kind.BOOLEAN),
    _choice("france_travail_indemnity", Indemnity),
    INSERTION,
)
TRAINING = _obj(
    "training",
    Field("programme", Kind.TEXT),
    Field("approved_for_remuneration", Kind.BOOLEAN),
    Field("start_date", Kind.DATE),
    Field("end_date", Kind.DATE),
    Field("total_hours", Kind.NUMBER),
    Field("weekly_hours", Kind.NUMBER),
    Field("distance_km", Kind.NUMBER),
    Field("licence_useful_for_trade", Kind.BOOLEAN),
)
IDENTITY = _obj(
    "identity",
    Field("expiry_date", Kind.DATE),
    Field("type", Kind.TEXT),
    null_when_unknown=True,
)
VITALE = _obj("vitale", Field("nir", Kind.TEXT), null_when_unknown=True)
RIB = _obj(
    "rib",
    Field("iban", Kind.TEXT),
    Field("holder", Kind.TEXT),
    Field("bic", Kind.TEXT),
    null_when_unknown=True,
)
DOCUMENTS = _obj("documents", IDENTITY, VITALE, RIB)
MONTHS = Field(
    "months",
    Kind.LIST,
    fields=(
        Field("month", Kind.MONTH, required=True),
        Field("scheduled_hours", Kind.NUMBER, required=True),
        Field("attended_hours", Kind.NUMBER, required=True),
        Field("justified_absence_hours", Kind.NUMBER, default=_ZERO),
        Field("unjustified_absence_hours", Kind.NUMBER, default=_ZERO),
        Field("daily_allowances", Kind.MONEY, default=_ZERO),
        Field("hours_outside_work", Kind.NUMBER, null_when_unknown=True),
    ),
    item=("relevé mensuel attendu", "a monthly statement is expected"),
)
EXIT = _obj(
    "exit",
    Field("date", Kind.DATE, required=True),
    _choice("reason", ExitReason, required=True),
    null_when_unknown=True,
)
AIDS = Field(
    "aid_requests",
    Kind.LIST,
    fields=(
        _choice("kind", AidKind, required=True),
        Field("date", Kind.DATE),
        Field("invoice_amount", Kind.MONEY),
        Field("cost", Kind.MONEY),
        Field("other_funding", Kind.MONEY),
        _choice("code_status", CodeStatus),
    ),
    item=("demande d'aide attendue", "an aid request is expected"),
)
HISTORY = _obj(
    "history",
    Field("driving_licence_aid_received", Kind.BOOLEAN),
    Field(
        "remunerated_trainings",
        Kind.LIST,
        fields=(
            Field("start_date", Kind.DATE, required=True),
            Field("end_date", Kind.DATE, required=True),
        ),
        item=("période attendue", "a period is expected"),
    ),
    Field("advance_received", Kind.BOOLEAN),
)
REQUEST = _obj(
    "",
    Field("as_of", Kind.DATE),
    TRAINEE,
    TRAINING,
    DOCUMENTS,
    MONTHS,
    EXIT,
    AIDS,
    HISTORY,
)
"""The whole request (its name is the empty path)."""


def _json(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Month):
        return str(value)
    return value


# Written as they are, without ``_json``'s tests (a run emits nine objects a dossier), or
# turned into text by the function ``_json`` calls for them (a date, not a datetime; a month).
_AS_IS = frozenset({str, bool, int, Decimal})
_AS_TEXT: dict[type, Any] = {date: date.isoformat, Month: str}
# Per object description: its field names, and each field with whether it is written ``null``.
_PLANS: dict[int, tuple[Field, frozenset[str], tuple[tuple[str, bool], ...]]] = {}


def _plan(spec: Field) -> tuple[frozenset[str], tuple[tuple[str, bool], ...]]:
    plan = _PLANS.get(id(spec))
    if plan is None or plan[0] is not spec:
        plan = (spec, spec.names, tuple((f.name, f.null_when_unknown) for f in spec.fields))
        _PLANS[id(spec)] = plan
    return plan[1], plan[2]


def emit(spec: Field, values: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object of ``spec`` from known ``values`` (dates and months as text).

    An unknown value (``None``) is left out, or written ``null`` for the fields that say so; a
    name that is not a field of ``spec`` raises ``KeyError`` (a builder out of the contract).
    """
    names, fields = _plan(spec)
    if not values.keys() <= names:
        unknown = values.keys() - names
        raise KeyError(f"not in the contract's {spec.name or 'request'}: {sorted(unknown)}")
    emitted: dict[str, Any] = {}
    for name, null_when_unknown in fields:
        if name in values:
            value = values[name]
            if value is None:
                if null_when_unknown:
                    emitted[name] = None
            elif value.__class__ in _AS_IS:
                emitted[name] = value
            elif value.__class__ in _AS_TEXT:
                emitted[name] = _AS_TEXT[value.__class__](value)
            else:
                emitted[name] = _json(value)
    return emitted


def paths(spec: Field = REQUEST, prefix: str = "") -> Iterator[str]:
    """Every JSON path of the contract (``months[].scheduled_hours`` for a list's items)."""
    for f in spec.fields:
        path = f"{prefix}.{f.name}" if prefix else f.name
        yield path
        if f.kind is Kind.LIST:
            yield from paths(f, f"{path}[]")
        elif f.kind is Kind.OBJECT:
            yield from paths(f, path)
