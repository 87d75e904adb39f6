"""One evaluation, end to end: eligibility, documents, the decision and every line.

Pure: facts and parameters in, a result with its trace out; no clock, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from rules.advance import advance_terms, recovery_line
from rules.aids import decide_aids
from rules.context import Evaluation
from rules.contract import parse_request
from rules.decisions import KIND_ORDER, Decision, EvaluationResult, Line
from rules.documents import check_documents
from rules.eligibility import check_eligibility
from rules.exits import forfeit_line, outstanding_advance_line
from rules.facts import EvaluationRequest, ExitReason, Status
from rules.money import ZERO
from rules.parameters import ParameterStore, ParameterValue, load_parameters
from rules.periods import Month, month_ordinal
from rules.remuneration import mobility_line, remuneration_line
from rules.result_json import result_json

__all__ = [
    "RULES_VERSION",
    "default_store",
    "evaluate",
    "evaluate_request",
    "granted_lines",
    "input_hash",
    "result_to_json",
]

#: Version of the rules as implemented (règlement v1 of docs/rules.md) and of this engine.
RULES_VERSION = "reglement-v1/engine-0.1.0"

_DEFAULT: list[ParameterStore] = []
_JOB_SEEKER, _INSERTION = Status.JOB_SEEKER, Status.INSERTION_EMPLOYEE


def default_store() -> ParameterStore:
    """The bundled parameter set, loaded once and checked."""
    if not _DEFAULT:
        _DEFAULT.append(load_parameters())
    return _DEFAULT[0]


def _ignore(path: str) -> None:
    """What ``granted_lines`` does with a missing input: its lines are simply not computed."""


def _remuneration_lines(
    store: ParameterStore, req: EvaluationRequest, need: Callable[[str], None]
) -> list[Line]:
    """Advance, remuneration, recovery, mobility and overpayment lines of a granted dossier;
    ``need`` is told every unknown input a line needs (docs/rules.md sections 3 to 5 and 7)."""
    status, start = req.trainee.status, req.training.start_date
    if start is None or status is None:
        need("training.start_date" if start is None else "trainee.status")
        return []
    lines: list[Line] = []
    outstanding, recoverable = ZERO, None
    if status is _JOB_SEEKER:
        terms = advance_terms(store, start)
        if not req.history.advance_received:
            lines.append(terms.line)
        recoverable = terms.recoverable
        if terms.recovered:
            outstanding = terms.line.amount
    last = _last_day(req, status, need)
    if last is None:
        return lines
    payable = status is _INSERTION or req.training.weekly_hours is not None
    advance = (outstanding, recoverable)
    outstanding = _month_lines(store, req, status, (start, last), advance, into=lines)
    if payable:
        lines.extend(_exit_lines(req, lines, outstanding, last))
    return lines


def _last_day(req: EvaluationRequest, status: Status, need: Callable[[str], None]) -> date | None:
    """The last day the month lines count (the exit's, else the training's end), naming what
    they miss. A job seeker's unknown weekly hours stop the remuneration lines only (full or
    part time), not the advance nor the mobility aid."""
    training = req.training
    last = req.exit.date if req.exit is not None else training.end_date
    if last is None:
        need("training.end_date")
    if status is _JOB_SEEKER and training.weekly_hours is None:
        need("training.weekly_hours")
    return last


def _month_lines(
    store: ParameterStore,
    req: EvaluationRequest,
    status: Status,
    days: tuple[date, date],
    advance: tuple[Decimal, ParameterValue | None],
    *,
    into: list[Line],
) -> Decimal:
    """Each statement's remuneration, recovery and mobility lines for the ``days`` from the
    first to the last counted, added to ``into``; ``advance`` is what is left of it to recover
    and whether it is (the parameter that says so). Gives what is left once these months are
    paid."""
    (first, last), (outstanding, recoverable), lines = days, advance, into
    weekly_hours, distance = req.training.weekly_hours, req.training.distance_km
    payable = status is _INSERTION or weekly_hours is not None
    for s in req.months:
        d = s.month.days_within(first, last)
        if payable:
            remuneration = remuneration_line(store, s, status, weekly_hours, d)
            lines.append(remuneration)
            if recoverable is not None and outstanding > 0:
                recovery = recovery_line(s.month, outstanding, remuneration.amount, recoverable)
                if recovery is not None:
                    lines.append(recovery)
                    outstanding += recovery.amount
        mobility = mobility_line(store, s, status, distance, d)
        if mobility is not None:
            lines.append(mobility)
    return outstanding


def _exit_lines(
    req: EvaluationRequest, lines: list[Line], outstanding: Decimal, last_day: date
) -> list[Line]:
    """Overpayments when the trainee leaves; ``last_day`` is the exit's, else the training's end."""
    exit_ = req.exit
    if exit_ is not None and exit_.reason is not ExitReason.LEGITIMATE:
        forfeit = forfeit_line(exit_, lines)
        return [forfeit] if forfeit is not None else []
    if outstanding <= 0:
        return []
    if exit_ is not None:
        return [
            outstanding_advance_line(
                month=Month.of(exit_.date), outstanding=outstanding, exit_=exit_
            )
        ]
    last = month_ordinal(last_day)  # the training's end month: there is no exit
    for statement in req.months:
        if statement.month.ordinal == last:
            month = statement.month
            return [outstanding_advance_line(month=month, outstanding=outstanding, exit_=None)]
    return []


def _kept_in_order(lines: list[Line]) -> tuple[Line, ...]:
    """The lines that pay or take something, by month, then in the order of ``LineKind``
    (already so, and none of zero, most of the time: then they are only looked at once)."""
    previous = -1
    for line in lines:
        key = line.period.ordinal * 8 + KIND_ORDER[line.kind]  # Line.sort_key, inlined
        if key < previous or not line.amount:
            return tuple(sorted([line for line in lines if line.amount], key=Line.sort_key))
        previous = key
    return tuple(lines)


def granted_lines(req: EvaluationRequest, store: ParameterStore) -> tuple[Line, ...]:
    """The lines of a dossier already granted (what a payment run computes each month).

    Eligibility and documents were decided and recorded with the decision; only the amounts
    are computed here. Explanation texts stay unrendered until asked for.
    """
    return _kept_in_order(_remuneration_lines(store, req, _ignore))


def evaluate_request(req: EvaluationRequest, store: ParameterStore) -> EvaluationResult:
    """Decide and compute for already-read facts (docs/rules.md sections 2 to 7)."""
    ev = Evaluation(store)
    check_eligibility(ev, req)
    failed = bool(ev.reasons)
    reasons_before, needs_before = len(ev.reasons), ev.needs
    check_documents(ev, req)
    documents_ok = len(ev.reasons) == reasons_before and ev.needs == needs_before
    if failed:
        decision = Decision.REJECTED
    elif ev.missing or not documents_ok:
        decision = Decision.INCOMPLETE
    else:
        decision = Decision.GRANTED
    lines = _remuneration_lines(store, req, ev.need) if decision is Decision.GRANTED else []
    aid_decisions, aid_lines = decide_aids(ev, req, documents_ok=documents_ok)
    return EvaluationResult(
        decision=decision,
        reasons=tuple(ev.reasons),
        missing=tuple(ev.missing),
        lines=_kept_in_order(lines + aid_lines),
        aid_decisions=tuple(aid_decisions),
        as_of=req.as_of.isoformat(),
        rules_version=RULES_VERSION,
        parameters_digest=store.digest,
    )


def evaluate(
    payload: object, *, today: date, parameters: ParameterStore | None = None
) -> EvaluationResult:
    """The library door of the evaluation contract. Raises ``InputError`` on malformed input."""
    request = parse_request(payload, today=today)
    return evaluate_request(request, parameters or default_store())


def _json_default(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def result_to_json(result: EvaluationResult) -> bytes:
    """The canonical bytes of a result: what all three doors answer (``json.dumps`` of
    ``result.to_dict()``, compact, not ASCII-escaped, and a newline; written directly by
    ``rules.result_json``)."""
    return result_json(result)


def input_hash(payload: object) -> str:
    """SHA-256 of a request in canonical form, recorded with a decision."""
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
