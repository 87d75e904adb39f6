"""The evaluation contract's request: raw JSON in, frozen facts out, or every problem at once.

The fields, their types and which are required come from the one table of
``rules.contract_fields``; this module walks it, then checks what ties fields together (hours
that add up, months and exit inside the training, one statement per month).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from operator import itemgetter
from typing import Any

from rules.contract_fields import REQUEST
from rules.contract_reader import Item, compile_object
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
from rules.reader import Reader

__all__ = ["loads", "parse_request"]


def loads(raw: bytes | str) -> Any:
    """Parse JSON keeping every number exact, with bounded depth and number size
    (``rules.json_input``); raises ``InputError`` with the JSON path."""
    return bounded_loads(raw)


_READ_REQUEST = compile_object(REQUEST)


# The values read for the fields of a named tuple of facts, in its order (its fields are the
# table's fields of the same object).
_TRAINEE_VALUES = itemgetter(*Trainee._fields)
_TRAINING_VALUES = itemgetter(*Training._fields)
_HISTORY_VALUES = itemgetter(*History._fields)
_STATEMENT_VALUES = itemgetter(*MonthStatement._fields[1:])  # after its position


def _trainee(values: Mapping[str, Any] | None) -> Trainee:
    if values is None:
        return Trainee(*[None] * len(Trainee._fields))
    trainee = Trainee._make(_TRAINEE_VALUES(values))
    insertion: Mapping[str, Any] | None = values["insertion"]
    if insertion is None:
        return trainee
    return trainee._replace(insertion=Insertion(**insertion))


def _training(r: Reader, values: Mapping[str, Any] | None) -> Training:
    if values is None:
        training = Training(*[None] * len(Training._fields))
    else:
        training = Training._make(_TRAINING_VALUES(values))
    if training.start_date and training.end_date and training.end_date < training.start_date:
        r.problem(
            "training.end_date",
            "end_before_start",
            "la date de fin précède la date de début",
            "end date is before start date",
        )
    return training


def _documents(values: Mapping[str, Any] | None) -> Documents:
    if values is None:
        return Documents(None, None, None)
    identity, vitale, rib = values["identity"], values["vitale"], values["rib"]
    return Documents(
        None if identity is None else IdentityDocument(identity["expiry_date"]),
        None if vitale is None else VitaleDocument(vitale["nir"]),
        None if rib is None else RibDocument(rib["iban"], rib["holder"]),
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
    seen: set[int] = set()
    for item in items or ():
        if item.values is None or not item.clean:
            continue
        statement = MonthStatement(item.position, *_STATEMENT_VALUES(item.values))
        if statement.month.ordinal in seen:
            r.problem(
                f"months[{item.position}].month",
                "duplicate_month",
                "deux relevés pour le même mois",
                "two statements for the same month",
            )
            continue
        seen.add(statement.month.ordinal)
        _check_month(r, statement, training, trainee)
        statements.append(statement)
    if len(statements) < 2:
        return tuple(statements)
    return tuple(sorted(statements, key=lambda s: s.month.ordinal))


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
    if values is None:
        return History(None, None, None)
    history = History._make(_HISTORY_VALUES(values))
    items: list[Item] | None = history.remunerated_trainings  # type: ignore[assignment]
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
        return history._replace(remunerated_trainings=tuple(periods))
    return history


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
        data["as_of"] or today,
        trainee,
        training,
        _documents(data["documents"]),
        months,
        exit_,
        _aids(data["aid_requests"]),
        history,
    )
