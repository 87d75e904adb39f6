"""The evaluation contract's request: raw JSON in, frozen facts out, or every problem at once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from rules.errors import InputError
from rules.facts import (
    AidKind,
    AidRequest,
    CodeStatus,
    Documents,
    EvaluationRequest,
    Exit,
    ExitReason,
    History,
    IdentityDocument,
    Indemnity,
    Insertion,
    MonthStatement,
    OtherRemuneration,
    RibDocument,
    Sex,
    Status,
    Trainee,
    Training,
    VitaleDocument,
)
from rules.periods import Month
from rules.reader import Reader

__all__ = ["loads", "parse_request"]

_TOP = frozenset(
    {"as_of", "trainee", "training", "documents", "months", "exit", "aid_requests", "history"}
)
_TRAINEE = frozenset(
    {
        "last_name",
        "first_names",
        "birth_date",
        "sex",
        "status",
        "france_travail_registered",
        "france_travail_indemnity",
        "insertion",
    }
)
_INSERTION = frozenset({"contract", "are_complement", "training_hours_outside_work"})
_TRAINING = frozenset(
    {
        "programme",
        "approved_for_remuneration",
        "start_date",
        "end_date",
        "total_hours",
        "weekly_hours",
        "distance_km",
        "licence_useful_for_trade",
    }
)
_DOCUMENTS = frozenset({"identity", "vitale", "rib"})
_IDENTITY = frozenset({"expiry_date", "type"})
_VITALE = frozenset({"nir"})
_RIB = frozenset({"iban", "holder", "bic"})
_MONTH = frozenset(
    {
        "month",
        "scheduled_hours",
        "attended_hours",
        "justified_absence_hours",
        "unjustified_absence_hours",
        "daily_allowances",
        "hours_outside_work",
    }
)
_EXIT = frozenset({"date", "reason"})
_AID = frozenset({"kind", "date", "invoice_amount", "cost", "other_funding", "code_status"})
_HISTORY = frozenset({"driving_licence_aid_received", "remunerated_trainings", "advance_received"})
_PERIOD = frozenset({"start_date", "end_date"})
_ZERO = Decimal(0)


def loads(raw: bytes | str) -> Any:
    """Parse JSON keeping every number exact (decimals become ``Decimal``, never float)."""
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError.single("", "json", "JSON illisible", f"invalid JSON: {exc}") from exc


def _trainee(r: Reader, raw: object) -> Trainee:
    data = r.obj(raw, "trainee", _TRAINEE) or {}
    insertion_raw = r.obj(data.get("insertion"), "trainee.insertion", _INSERTION)
    insertion = None
    if insertion_raw is not None:
        path = "trainee.insertion"
        insertion = Insertion(
            contract=r.text(insertion_raw, "contract", path),
            are_complement=r.boolean(insertion_raw, "are_complement", path),
            training_hours_outside_work=r.number(
                insertion_raw, "training_hours_outside_work", path
            ),
        )
    return Trainee(
        last_name=r.text(data, "last_name", "trainee"),
        first_names=r.text(data, "first_names", "trainee"),
        birth_date=r.day(data, "birth_date", "trainee"),
        sex=r.enum(data, "sex", "trainee", Sex),
        status=r.enum(data, "status", "trainee", Status),
        france_travail_registered=r.boolean(data, "france_travail_registered", "trainee"),
        france_travail_indemnity=r.enum(data, "france_travail_indemnity", "trainee", Indemnity),
        insertion=insertion,
    )


def _training(r: Reader, raw: object) -> Training:
    data = r.obj(raw, "training", _TRAINING) or {}
    training = Training(
        programme=r.text(data, "programme", "training"),
        approved_for_remuneration=r.boolean(data, "approved_for_remuneration", "training"),
        start_date=r.day(data, "start_date", "training"),
        end_date=r.day(data, "end_date", "training"),
        total_hours=r.number(data, "total_hours", "training"),
        weekly_hours=r.number(data, "weekly_hours", "training"),
        distance_km=r.number(data, "distance_km", "training"),
        licence_useful_for_trade=r.boolean(data, "licence_useful_for_trade", "training"),
    )
    if training.start_date and training.end_date and training.end_date < training.start_date:
        r.problem(
            "training.end_date",
            "end_before_start",
            "la date de fin précède la date de début",
            "end date is before start date",
        )
    return training


def _documents(r: Reader, raw: object) -> Documents:
    data = r.obj(raw, "documents", _DOCUMENTS) or {}
    identity_raw = r.obj(data.get("identity"), "documents.identity", _IDENTITY)
    vitale_raw = r.obj(data.get("vitale"), "documents.vitale", _VITALE)
    rib_raw = r.obj(data.get("rib"), "documents.rib", _RIB)
    if identity_raw is not None:
        r.text(identity_raw, "type", "documents.identity")
    if rib_raw is not None:
        r.text(rib_raw, "bic", "documents.rib")
    return Documents(
        identity=None
        if identity_raw is None
        else IdentityDocument(r.day(identity_raw, "expiry_date", "documents.identity")),
        vitale=None
        if vitale_raw is None
        else VitaleDocument(r.text(vitale_raw, "nir", "documents.vitale")),
        rib=None
        if rib_raw is None
        else RibDocument(
            iban=r.text(rib_raw, "iban", "documents.rib"),
            holder=r.text(rib_raw, "holder", "documents.rib"),
        ),
    )


def _required(
    r: Reader, value: Decimal | None, data: Mapping[str, Any], key: str, path: str
) -> Decimal:
    if value is None and data.get(key) is None:
        r.problem(f"{path}.{key}", "required", "champ obligatoire", "required field")
    return value if value is not None else _ZERO


def _month(r: Reader, raw: object, index: int) -> MonthStatement | None:
    path = f"months[{index}]"
    data = r.obj(raw, path, _MONTH)
    if data is None:
        r.problem(path, "required", "relevé mensuel attendu", "a monthly statement is expected")
        return None
    before = len(r.problems)
    month: Month | None = None
    month_raw = data.get("month")
    try:
        month = Month.parse(month_raw) if isinstance(month_raw, str) else None
    except ValueError:
        month = None
    if month is None:
        r.problem(f"{path}.month", "month", "mois au format AAAA-MM attendu", "YYYY-MM expected")
    statement = MonthStatement(
        position=index,
        month=month or Month(1, 1),
        scheduled_hours=_required(
            r, r.number(data, "scheduled_hours", path), data, "scheduled_hours", path
        ),
        attended_hours=_required(
            r, r.number(data, "attended_hours", path), data, "attended_hours", path
        ),
        justified_absence_hours=r.number(data, "justified_absence_hours", path) or _ZERO,
        unjustified_absence_hours=r.number(data, "unjustified_absence_hours", path) or _ZERO,
        daily_allowances=r.money(data, "daily_allowances", path) or _ZERO,
        hours_outside_work=r.number(data, "hours_outside_work", path),
    )
    return statement if len(r.problems) == before else None


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
    r: Reader, raw: object, training: Training, trainee: Trainee
) -> tuple[MonthStatement, ...]:
    statements: list[MonthStatement] = []
    seen: set[Month] = set()
    for index, item in enumerate(r.items(raw, "months")):
        statement = _month(r, item, index)
        if statement is None:
            continue
        if statement.month in seen:
            r.problem(
                f"months[{index}].month",
                "duplicate_month",
                "deux relevés pour le même mois",
                "two statements for the same month",
            )
            continue
        seen.add(statement.month)
        _check_month(r, statement, training, trainee)
        statements.append(statement)
    return tuple(sorted(statements, key=lambda s: s.month))


def _exit(r: Reader, raw: object, training: Training) -> Exit | None:
    data = r.obj(raw, "exit", _EXIT)
    if data is None:
        return None
    day = r.day(data, "date", "exit")
    reason = r.enum(data, "reason", "exit", ExitReason)
    for key, value in (("date", day), ("reason", reason)):
        if value is None and data.get(key) is None:
            r.problem(f"exit.{key}", "required", "champ obligatoire", "required field")
    if day is None or reason is None:
        return None
    start, end = training.start_date, training.end_date
    if (start and day < start) or (end and day > end):
        r.problem(
            "exit.date",
            "exit_outside_training",
            "la date de sortie est en dehors des dates de la formation",
            "exit date outside the training dates",
        )
    return Exit(date=day, reason=reason)


def _aids(r: Reader, raw: object) -> tuple[AidRequest, ...]:
    requests: list[AidRequest] = []
    for index, item in enumerate(r.items(raw, "aid_requests")):
        path = f"aid_requests[{index}]"
        data = r.obj(item, path, _AID)
        if data is None:
            r.problem(path, "required", "demande d'aide attendue", "an aid request is expected")
            continue
        kind = r.enum(data, "kind", path, AidKind)
        if kind is None:
            if data.get("kind") is None:
                r.problem(f"{path}.kind", "required", "champ obligatoire", "required field")
            continue
        requests.append(
            AidRequest(
                position=index,
                kind=kind,
                date=r.day(data, "date", path),
                invoice_amount=r.money(data, "invoice_amount", path),
                cost=r.money(data, "cost", path),
                other_funding=r.money(data, "other_funding", path),
                code_status=r.enum(data, "code_status", path, CodeStatus),
            )
        )
    return tuple(requests)


def _remunerated(r: Reader, raw: object) -> tuple[OtherRemuneration, ...] | None:
    if raw is None:
        return None
    periods: list[OtherRemuneration] = []
    for index, item in enumerate(r.items(raw, "history.remunerated_trainings")):
        path = f"history.remunerated_trainings[{index}]"
        data = r.obj(item, path, _PERIOD)
        if data is None:
            r.problem(path, "required", "période attendue", "a period is expected")
            continue
        start, end = r.day(data, "start_date", path), r.day(data, "end_date", path)
        if start is None or end is None:
            r.problem(path, "required", "dates de début et de fin attendues", "dates expected")
        elif end < start:
            r.problem(path, "end_before_start", "la fin précède le début", "end before start")
        else:
            periods.append(OtherRemuneration(start, end))
    return tuple(periods)


def _history(r: Reader, raw: object) -> History:
    data = r.obj(raw, "history", _HISTORY) or {}
    return History(
        driving_licence_aid_received=r.boolean(data, "driving_licence_aid_received", "history"),
        remunerated_trainings=_remunerated(r, data.get("remunerated_trainings")),
        advance_received=r.boolean(data, "advance_received", "history"),
    )


def parse_request(payload: object, *, today: date) -> EvaluationRequest:
    """Read a contract request; ``today`` is the default of ``as_of``. Raises ``InputError``."""
    r = Reader()
    data = r.obj(payload, "", _TOP)
    if data is None:
        raise InputError.single("", "type", "un objet JSON est attendu", "an object is expected")
    trainee = _trainee(r, data.get("trainee"))
    training = _training(r, data.get("training"))
    documents = _documents(r, data.get("documents"))
    months = _months(r, data.get("months"), training, trainee)
    exit_ = _exit(r, data.get("exit"), training)
    aids = _aids(r, data.get("aid_requests"))
    history = _history(r, data.get("history"))
    as_of = r.day(data, "as_of", "")
    if r.problems:
        raise InputError(r.problems)
    return EvaluationRequest(
        as_of=as_of or today,
        trainee=trainee,
        training=training,
        documents=documents,
        months=months,
        exit=exit_,
        aid_requests=aids,
        history=history,
    )
