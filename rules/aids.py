"""Equipment and driving-licence aids, one-off and on request (docs/rules.md section 6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from rules.context import Evaluation
from rules.decisions import AidDecision, Decision, Line, LineKind, UsedParameter
from rules.facts import AidKind, AidRequest, CodeStatus, EvaluationRequest, Status
from rules.french import cite, fr_date, fr_money
from rules.money import round_money
from rules.parameters import ParameterValue
from rules.periods import Month
from rules.reasons import ReasonCode

__all__ = ["decide_aids"]

_NAMES = {AidKind.EQUIPMENT: "l'aide à l'équipement", AidKind.DRIVING_LICENCE: "l'aide au permis B"}


@dataclass(slots=True)
class _Request:
    """The working state of one request: refusals, unknowns and the amount."""

    ev: Evaluation
    aid: AidRequest
    refusals: list[ReasonCode] = field(default_factory=list)
    unknown: bool = False

    @property
    def scope(self) -> str:
        return f"aid_requests[{self.aid.position}]"

    def need(self, path: str) -> None:
        self.unknown = True
        self.ev.need(path)

    def refuse(self, code: ReasonCode, message: str) -> None:
        if code not in self.refusals:
            self.refusals.append(code)
            self.ev.fail(code, self.scope, message)


def _availability(r: _Request, req: EvaluationRequest) -> None:
    name = _NAMES[r.aid.kind]
    if req.trainee.status is None:
        r.need("trainee.status")
    elif req.trainee.status is Status.INSERTION_EMPLOYEE:
        r.refuse(
            ReasonCode.AID_NOT_AVAILABLE,
            f"Les salariés en insertion ne peuvent pas recevoir {name} : la Région les aide par la "
            "rémunération et l'aide à la mobilité.",
        )
    approved = req.training.approved_for_remuneration
    if approved is None:
        r.need("training.approved_for_remuneration")
    elif not approved:
        r.refuse(
            ReasonCode.AID_NOT_AVAILABLE,
            f"La formation n'a pas l'agrément de la Région : {name} n'est pas possible.",
        )


def _in_life(r: _Request, parameter_ids: tuple[str, ...], day: date) -> bool:
    """Whether every parameter has a value on ``day``; if not, the aid is decided out of the
    period the rules cover (AID_OUT_OF_PERIOD), never an error."""
    for parameter_id in parameter_ids:
        parameter = r.ev.store.parameter(parameter_id)
        first, closed = parameter.values[0].in_force_from, parameter.closed_from
        if day < first or (closed is not None and day >= closed):
            r.refuse(
                ReasonCode.AID_OUT_OF_PERIOD,
                f"La demande du {fr_date(day)} est hors de la période couverte par le règlement "
                f"des aides ({parameter_id} en vigueur à partir du {fr_date(first)}"
                + (f", jusqu'au {fr_date(closed)} exclu" if closed is not None else "")
                + ") : elle ne peut pas être accordée.",
            )
            return False
    return True


def _window(r: _Request, req: EvaluationRequest) -> None:
    start, end, day = req.training.start_date, req.training.end_date, r.aid.date
    if day is None:
        r.need(f"{r.scope}.date")
    if start is None:
        r.need("training.start_date")
    if end is None:
        r.need("training.end_date")
    if day is None or start is None or end is None:
        return
    if not _in_life(r, ("aids.request_window_days_after_end",), day):
        return
    window = r.ev.param("aids.request_window_days_after_end", day)
    last = end + timedelta(days=window.integer)
    if not start <= day <= last:
        r.refuse(
            ReasonCode.AID_OUT_OF_PERIOD,
            f"La demande du {fr_date(day)} est hors délai : elle doit être faite entre le début "
            f"de la formation ({fr_date(start)}) et le {fr_date(last)}, soit {window.integer} "
            f"jours après la fin ({cite(window)}).",
        )


def _equipment(r: _Request, granted_before: bool) -> tuple[Decimal | None, list[ParameterValue]]:
    if granted_before:
        r.refuse(
            ReasonCode.EQUIPMENT_ALREADY_GRANTED,
            "Une aide à l'équipement a déjà été accordée pour ce dossier ; elle n'est accordée "
            "qu'une fois.",
        )
    if r.aid.invoice_amount is None:
        r.need(f"{r.scope}.invoice_amount")
    if r.aid.invoice_amount is None or r.aid.date is None:
        return None, []
    if not _in_life(r, ("equipment.rate", "equipment.cap"), r.aid.date):
        return None, []
    rate = r.ev.param("equipment.rate", r.aid.date)
    cap = r.ev.param("equipment.cap", r.aid.date)
    return round_money(min(cap.decimal, rate.decimal * r.aid.invoice_amount)), [rate, cap]


def _licence_conditions(r: _Request, req: EvaluationRequest, granted_before: bool) -> None:
    useful = req.training.licence_useful_for_trade
    if useful is None:
        r.need("training.licence_useful_for_trade")
    elif not useful:
        r.refuse(
            ReasonCode.LICENCE_NOT_USEFUL_FOR_TRADE,
            "Le métier visé par la formation ne demande pas le permis B.",
        )
    if r.aid.code_status is None:
        r.need(f"{r.scope}.code_status")
    elif r.aid.code_status is CodeStatus.NOT_STARTED:
        r.refuse(
            ReasonCode.LICENCE_CODE_NOT_STARTED,
            "Le code de la route n'est ni obtenu ni en préparation.",
        )
    received = req.history.driving_licence_aid_received
    if received is None and not granted_before:
        r.need("history.driving_licence_aid_received")
    elif received or granted_before:
        r.refuse(
            ReasonCode.LICENCE_AID_ALREADY_RECEIVED,
            "L'aide au permis B a déjà été reçue ; elle n'est accordée qu'une fois dans la vie.",
        )


def _licence(
    r: _Request, req: EvaluationRequest, granted_before: bool
) -> tuple[Decimal | None, list[ParameterValue]]:
    _licence_conditions(r, req, granted_before)
    cost, other = r.aid.cost, r.aid.other_funding
    if cost is None:
        r.need(f"{r.scope}.cost")
    if other is None:
        r.need(f"{r.scope}.other_funding")
    if cost is None or other is None or r.aid.date is None:
        return None, []
    if not _in_life(r, ("driving_licence.rate", "driving_licence.cap"), r.aid.date):
        return None, []
    rate = r.ev.param("driving_licence.rate", r.aid.date)
    cap = r.ev.param("driving_licence.cap", r.aid.date)
    amount = round_money(min(cap.decimal, rate.decimal * max(Decimal(0), cost - other)))
    if amount <= 0:
        r.refuse(
            ReasonCode.LICENCE_NOTHING_TO_FUND,
            f"Il ne reste rien à financer : coût {fr_money(cost)}, autres financements "
            f"{fr_money(other)}.",
        )
    return amount, [rate, cap]


def _explain(*, aid: AidRequest, amount: Decimal, used: list[ParameterValue]) -> str:
    rate, cap = used
    if aid.kind is AidKind.EQUIPMENT:
        base = f"{rate.decimal} × facture de {fr_money(aid.invoice_amount or Decimal(0))}"
    else:
        base = (
            f"{rate.decimal} × (coût {fr_money(aid.cost or Decimal(0))} − autres financements "
            f"{fr_money(aid.other_funding or Decimal(0))})"
        )
    day = aid.date or date.min
    return (
        f"{_NAMES[aid.kind][0].upper()}{_NAMES[aid.kind][1:]} demandée le "
        f"{fr_date(day)} : le plus petit de {base} et du plafond de {fr_money(cap.decimal)} = "
        f"{fr_money(amount)} (taux : {cite(rate)} ; plafond : {cite(cap)})."
    )


def _decide(
    ev: Evaluation,
    req: EvaluationRequest,
    aid: AidRequest,
    *,
    granted: set[AidKind],
    documents_ok: bool,
) -> tuple[AidDecision, Line | None]:
    r = _Request(ev, aid)
    _availability(r, req)
    _window(r, req)
    if aid.kind is AidKind.EQUIPMENT:
        amount, used = _equipment(r, AidKind.EQUIPMENT in granted)
    else:
        amount, used = _licence(r, req, AidKind.DRIVING_LICENCE in granted)
    if r.refusals:
        decision = Decision.REJECTED
    elif r.unknown or not documents_ok or amount is None:
        decision = Decision.INCOMPLETE
    else:
        decision = Decision.GRANTED
    if decision is not Decision.GRANTED or amount is None or aid.date is None:
        reasons = tuple(code.value for code in r.refusals)
        return AidDecision(aid.position, aid.kind.value, decision, None, reasons), None
    granted.add(aid.kind)
    line = Line(
        kind=LineKind(aid.kind.value),
        period=Month.of(aid.date),
        amount=amount,
        rule=f"aids.{aid.kind.value}",
        parameters=tuple(UsedParameter.of(p) for p in used),
        render=partial(_explain, aid=aid, amount=amount, used=used),
    )
    return AidDecision(aid.position, aid.kind.value, decision, amount, ()), line


def decide_aids(
    ev: Evaluation, req: EvaluationRequest, *, documents_ok: bool
) -> tuple[list[AidDecision], list[Line]]:
    """One decision per request, in request order; an aid is granted at most once."""
    decisions: list[AidDecision] = []
    lines: list[Line] = []
    granted: set[AidKind] = set()
    for aid in req.aid_requests:
        decision, line = _decide(ev, req, aid, granted=granted, documents_ok=documents_ok)
        decisions.append(decision)
        if line is not None:
            lines.append(line)
    return decisions, lines
