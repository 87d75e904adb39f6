"""One evaluation, end to end: eligibility, documents, the decision and every line.

Pure: facts and parameters in, a result with its trace out; no clock, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rules.advance import advance_terms, recovery_line
from rules.aids import decide_aids
from rules.context import Evaluation
from rules.contract import parse_request
from rules.decisions import Decision, EvaluationResult, Line
from rules.documents import check_documents
from rules.eligibility import check_eligibility
from rules.exits import forfeit_line, outstanding_advance_line
from rules.facts import EvaluationRequest, ExitReason, Status
from rules.parameters import ParameterStore, ParameterValue, load_parameters
from rules.periods import Month
from rules.remuneration import MonthContext, mobility_line, remuneration_line
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


def default_store() -> ParameterStore:
    """The bundled parameter set, loaded once and checked."""
    if not _DEFAULT:
        _DEFAULT.append(load_parameters())
    return _DEFAULT[0]


def _month_context(ev: Evaluation, req: EvaluationRequest, status: Status) -> MonthContext | None:
    """What month lines need; ``None`` (the last day named as missing) when days cannot be
    counted. A job seeker's unknown weekly hours are named too: they stop the remuneration
    lines only (full or part time), not the advance nor the mobility aid."""
    training = req.training
    last = req.exit.date if req.exit is not None else training.end_date
    if last is None:
        ev.need("training.end_date")
    if status is Status.JOB_SEEKER and training.weekly_hours is None:
        ev.need("training.weekly_hours")
    if last is None or training.start_date is None:
        return None
    return MonthContext(
        status, training.weekly_hours, training.start_date, last, training.distance_km
    )


@dataclass(slots=True)
class _Advance:
    """What is left of the advance to recover, month after month."""

    outstanding: Decimal
    recoverable: ParameterValue | None

    def recover(self, month: Month, remuneration: Line) -> Line | None:
        if self.recoverable is None or self.outstanding <= 0:
            return None
        recovery = recovery_line(
            month=month,
            outstanding=self.outstanding,
            remuneration=remuneration.amount,
            recoverable=self.recoverable,
        )
        if recovery is not None:
            self.outstanding += recovery.amount
        return recovery


def _month_lines(
    ev: Evaluation, req: EvaluationRequest, ctx: MonthContext, advance: _Advance
) -> list[Line]:
    payable = ctx.status is Status.INSERTION_EMPLOYEE or ctx.weekly_hours is not None
    lines: list[Line] = []
    for statement in req.months:
        if payable:
            remuneration = remuneration_line(ev, statement, ctx)
            lines.append(remuneration)
            recovery = advance.recover(statement.month, remuneration)
            if recovery is not None:
                lines.append(recovery)
        mobility = mobility_line(ev, statement, ctx)
        if mobility is not None:
            lines.append(mobility)
    return lines


def _remuneration_lines(ev: Evaluation, req: EvaluationRequest) -> list[Line]:
    """Advance, remuneration, recovery, mobility and overpayment lines of a granted dossier."""
    start, status = req.training.start_date, req.trainee.status
    if start is None or status is None:
        ev.need("training.start_date" if start is None else "trainee.status")
        return []
    lines: list[Line] = []
    advance = _Advance(Decimal("0.00"), None)
    if status is Status.JOB_SEEKER:
        terms = advance_terms(ev, start)
        if not req.history.advance_received:
            lines.append(terms.line)
        advance.recoverable = terms.recoverable
        if terms.recovered:
            advance.outstanding = terms.line.amount
    ctx = _month_context(ev, req, status)
    if ctx is None:
        return lines
    lines.extend(_month_lines(ev, req, ctx, advance))
    if status is Status.INSERTION_EMPLOYEE or ctx.weekly_hours is not None:
        lines.extend(_exit_lines(req, lines, advance.outstanding, ctx.last_day))
    return lines


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
    last = Month.of(last_day)  # the training's end month: there is no exit
    if any(s.month.ordinal == last.ordinal for s in req.months):
        return [outstanding_advance_line(month=last, outstanding=outstanding, exit_=None)]
    return []


def _in_order(lines: list[Line]) -> list[Line]:
    """The lines by month, then in the order of ``LineKind`` (already so, most of the time)."""
    previous = -1
    for line in lines:
        key = line.sort_key()
        if key < previous:
            return sorted(lines, key=Line.sort_key)
        previous = key
    return lines


def granted_lines(req: EvaluationRequest, store: ParameterStore) -> tuple[Line, ...]:
    """The lines of a dossier already granted (what a payment run computes each month).

    Eligibility and documents were decided and recorded with the decision; only the amounts
    are computed here. Explanation texts stay unrendered until asked for.
    """
    ev = Evaluation(store)
    lines = [line for line in _remuneration_lines(ev, req) if line.amount]
    return tuple(_in_order(lines))


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
    lines = _remuneration_lines(ev, req) if decision is Decision.GRANTED else []
    aid_decisions, aid_lines = decide_aids(ev, req, documents_ok=documents_ok)
    lines = _in_order([line for line in lines + aid_lines if line.amount])
    return EvaluationResult(
        decision=decision,
        reasons=tuple(ev.reasons),
        missing=tuple(ev.missing),
        lines=tuple(lines),
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
