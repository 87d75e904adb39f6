"""The evaluation contract's request: raw JSON in, frozen facts out, or every problem at once.

The fields, their types and which are required come from the one table of
``rules.contract_fields``; this module walks it, then checks what ties fields together (hours
that add up, months and exit inside the training, one statement per month).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NamedTuple

from rules.contract_fields import REQUEST, Field, Kind
from rules.errors import InputError
from rules.facts import (
    AidRequest,
    Documents,
    EvaluationRequest,
    Exit,
    History,
    IdentityDocument,
    Insertion,
    MonthStatement,
    OtherRemuneration,
    RibDocument,
    Status,
    Trainee,
    Training,
    VitaleDocument,
)
from rules.json_input import bounded_loads
from rules.periods import Month
from rules.reader import (
    Reader,
    ValueReader,
    enum_reader,
    join,
    read_boolean,
    read_day,
    read_money,
    read_month,
    read_number,
    read_text,
)

__all__ = ["Item", "ObjectReader", "compile_object", "loads", "parse_request"]


def loads(raw: bytes | str) -> Any:
    """Parse JSON keeping every number exact, with bounded depth and number size
    (``rules.json_input``); raises ``InputError`` with the JSON path."""
    return bounded_loads(raw)


class Item(NamedTuple):
    """One item of a list field: its values (``None`` when it is not an object) and whether
    reading it found no problem."""

    position: int
    values: dict[str, Any] | None
    clean: bool


ObjectReader = Callable[[Reader, object, str], "dict[str, Any] | None"]
"""Reads an object field at ``path``: one value per field (``None`` when unknown, a list as its
``Item``s, an absent field as its default), every problem with its path; ``None`` when the raw
value is null or not an object."""

_SCALARS: dict[Kind, ValueReader] = {
    Kind.TEXT: read_text,
    Kind.BOOLEAN: read_boolean,
    Kind.DATE: read_day,
    Kind.MONTH: read_month,
    Kind.NUMBER: read_number,
    Kind.MONEY: read_money,
}


def _list_reader(f: Field) -> ValueReader:
    read_item = compile_object(f)
    item_message, item_technical = f.item

    def read_list(r: Reader, raw: object, path: str, key: str) -> list[Item]:
        where = join(path, key)
        items: list[Item] = []
        for index, item in enumerate(r.items(raw, where)):
            at, before = f"{where}[{index}]", len(r.problems)
            if item is None:
                r.problem(at, "required", item_message, item_technical)
                values = None
            else:
                values = read_item(r, item, at)
            items.append(Item(index, values, len(r.problems) == before))
        return items

    return read_list


def _object_reader(f: Field) -> ValueReader:
    read = compile_object(f)

    def read_field(r: Reader, raw: object, path: str, key: str) -> dict[str, Any] | None:
        return read(r, raw, join(path, key))

    return read_field


def _value_reader(f: Field) -> ValueReader:
    if f.kind is Kind.OBJECT:
        return _object_reader(f)
    if f.kind is Kind.LIST:
        return _list_reader(f)
    if f.kind is Kind.CHOICE:
        assert f.choices is not None
        return enum_reader(f.choices)
    return _SCALARS[f.kind]


def compile_object(spec: Field) -> ObjectReader:
    """The reader of the object ``spec`` describes, built once from the field table: each field
    gets its own value reader, so a request is read without interpreting the table again."""
    allowed = spec.names
    steps = tuple((f.name, _value_reader(f), f.required, f.default) for f in spec.fields)

    def read_object(r: Reader, raw: object, path: str) -> dict[str, Any] | None:
        if raw is None:
            return None
        data = r.obj(raw, path, allowed)
        if data is None:
            return None
        values: dict[str, Any] = {}
        for name, read_value, required, default in steps:
            value = data.get(name)
            if value is not None:
                values[name] = read_value(r, value, path, name)
                continue
            if required:
                r.problem(join(path, name), "required", "champ obligatoire", "required field")
            values[name] = default
        return values

    return read_object


_READ_REQUEST = compile_object(REQUEST)


def _pick(values: Mapping[str, Any] | None, *names: str) -> dict[str, Any]:
    """The named values (all unknown when the object is)."""
    return {name: None if values is None else values[name] for name in names}


def _trainee(values: Mapping[str, Any] | None) -> Trainee:
    data = _pick(values, *Trainee._fields)
    insertion = data["insertion"]
    data["insertion"] = None if insertion is None else Insertion(**insertion)
    return Trainee(**data)


def _training(r: Reader, values: Mapping[str, Any] | None) -> Training:
    training = Training(**_pick(values, *Training._fields))
    if training.start_date and training.end_date and training.end_date < training.start_date:
        r.problem(
            "training.end_date",
            "end_before_start",
            "la date de fin précède la date de début",
            "end date is before start date",
        )
    return training


def _documents(values: Mapping[str, Any] | None) -> Documents:
    data = _pick(values, "identity", "vitale", "rib")
    identity, vitale, rib = data["identity"], data["vitale"], data["rib"]
    return Documents(
        identity=None if identity is None else IdentityDocument(identity["expiry_date"]),
        vitale=None if vitale is None else VitaleDocument(vitale["nir"]),
        rib=None if rib is None else RibDocument(iban=rib["iban"], holder=rib["holder"]),
    )


def _check_month(r: Reader, s: MonthStatement, training: Training, trainee: Trainee) -> None:
    path = f"months[{s.position}]"
    absences = s.justified_absence_hours + s.unjustified_absence_hours
    if s.attended_hours + absences != s.scheduled_hours:
        r.problem(
            path,
            "hours_do_not_add_up",
            "les heures de présence, d'absence justifiée et d'absence non justifiée doivent "
            "faire le total des heures prévues",
            "attended + justified + unjustified hours must equal scheduled hours",
        )
    if trainee.status is Status.INSERTION_EMPLOYEE:
        if s.hours_outside_work is None:
            r.problem(
                f"{path}.hours_outside_work",
                "required",
                "heures suivies hors temps de travail obligatoires pour un salarié en insertion",
                "hours_outside_work is required for an insertion employee",
            )
        elif s.hours_outside_work > s.attended_hours:
            r.problem(
                f"{path}.hours_outside_work",
                "outside_work_above_attended",
                "les heures hors temps de travail dépassent les heures de présence",
                "hours outside work must not exceed attended hours",
            )
    start, end = training.start_date, training.end_date
    if start and end and not s.month.overlaps(start, end):
        r.problem(
            f"{path}.month",
            "month_outside_training",
            "ce mois est en dehors des dates de la formation",
            "month outside the training dates",
        )


def _months(
    r: Reader, items: list[Item] | None, training: Training, trainee: Trainee
) -> tuple[MonthStatement, ...]:
    statements: list[MonthStatement] = []
    seen: set[Month] = set()
    for item in items or ():
        if item.values is None or not item.clean:
            continue
        statement = MonthStatement(position=item.position, **item.values)
        if statement.month in seen:
            r.problem(
                f"months[{item.position}].month",
                "duplicate_month",
                "deux relevés pour le même mois",
                "two statements for the same month",
            )
            continue
        seen.add(statement.month)
        _check_month(r, statement, training, trainee)
        statements.append(statement)
    return tuple(sorted(statements, key=lambda s: s.month))


def _exit(r: Reader, values: Mapping[str, Any] | None, training: Training) -> Exit | None:
    if values is None or values["date"] is None or values["reason"] is None:
        return None
    exit_ = Exit(**values)
    start, end = training.start_date, training.end_date
    if (start and exit_.date < start) or (end and exit_.date > end):
        r.problem(
            "exit.date",
            "exit_outside_training",
            "la date de sortie est en dehors des dates de la formation",
            "exit date outside the training dates",
        )
    return exit_


def _aids(items: list[Item] | None) -> tuple[AidRequest, ...]:
    return tuple(
        AidRequest(position=item.position, **item.values)
        for item in items or ()
        if item.values is not None and item.values["kind"] is not None
    )


def _history(r: Reader, values: Mapping[str, Any] | None) -> History:
    """The person's past as the caller knows it; an absent list of other remunerated trainings
    stays unknown (no overlap check), an empty one says there is none."""
    data = _pick(values, *History._fields)
    items: list[Item] | None = data["remunerated_trainings"]
    if items is not None:
        periods: list[OtherRemuneration] = []
        for item in items:
            if item.values is None or not item.clean:
                continue
            start, end = item.values["start_date"], item.values["end_date"]
            if end < start:
                where = f"history.remunerated_trainings[{item.position}]"
                r.problem(where, "end_before_start", "la fin précède le début", "end before start")
            else:
                periods.append(OtherRemuneration(start, end))
        data["remunerated_trainings"] = tuple(periods)
    return History(**data)


def parse_request(payload: object, *, today: date) -> EvaluationRequest:
    """Read a contract request; ``today`` is the default of ``as_of``. Raises ``InputError``."""
    r = Reader()
    data = _READ_REQUEST(r, payload, "")
    if data is None:
        raise InputError.single("", "type", "un objet JSON est attendu", "an object is expected")
    trainee = _trainee(data["trainee"])
    training = _training(r, data["training"])
    months = _months(r, data["months"], training, trainee)
    exit_ = _exit(r, data["exit"], training)
    history = _history(r, data["history"])
    if r.problems:
        raise InputError(r.problems)
    return EvaluationRequest(
        as_of=data["as_of"] or today,
        trainee=trainee,
        training=training,
        documents=_documents(data["documents"]),
        months=months,
        exit=exit_,
        aid_requests=_aids(data["aid_requests"]),
        history=history,
    )
