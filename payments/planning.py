"""One trainee's part of a run, decided in memory: which lines are settled, what is sent, to
which account, what is offset and what becomes an overpayment.

A trainee may have several dossiers (one per training): their lines are netted into one
transfer, sent to the most recently verified RIB among them. When money must be sent and no
usable RIB exists (none verified, blocked after a return, or no address for the file), nothing
is settled for the trainee: the lines stay due and a later run pays them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from payments.facts import DossierFacts
from payments.lines import (
    OverpaymentShare,
    PaidState,
    PayableLine,
    RunScope,
    Settlement,
    payable_lines,
    settle,
)
from payments.vocabulary import SkipReason
from rules import Line, LineKind, Month

__all__ = ["Evaluated", "TraineePlan", "plan_trainee"]

PaidByKey = Mapping[tuple[Month, LineKind], PaidState]


@dataclass(frozen=True, slots=True)
class Evaluated:
    """A dossier with the engine's lines for it (granted on today's stored facts)."""

    facts: DossierFacts
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class TraineePlan:
    """What the run does for one trainee; ``skipped`` set means nothing is settled."""

    trainee_id: uuid.UUID
    lines: tuple[PayableLine, ...]
    settlement: Settlement | None
    paying: DossierFacts | None
    debtor_dossier_id: uuid.UUID | None
    settled: tuple[DossierFacts, ...]
    skipped: SkipReason | None = None


def _payable(facts: DossierFacts) -> bool:
    return facts.bank_details is not None and bool(facts.trainee.town)


def _paying_dossier(
    evaluated: Sequence[Evaluated], blocked: frozenset[uuid.UUID]
) -> DossierFacts | SkipReason:
    candidates = [e.facts for e in evaluated if e.facts.dossier_id not in blocked]
    usable = [facts for facts in candidates if _payable(facts)]
    if usable:
        return max(usable, key=lambda f: f.bank_details.updated_at if f.bank_details else 0)
    if len(candidates) < len(evaluated):
        return SkipReason.BANK_DETAILS_BLOCKED
    if any(facts.bank_details is not None for facts in candidates):
        return SkipReason.ADDRESS_INCOMPLETE
    return SkipReason.NO_BANK_DETAILS


def _debtor_dossier(lines: Sequence[PayableLine]) -> uuid.UUID:
    """The dossier whose lines weigh most on a negative balance (the overpayment's origin)."""
    totals: dict[uuid.UUID, Decimal] = {}
    for line in lines:
        totals[line.dossier_id] = totals.get(line.dossier_id, Decimal(0)) + line.amount
    return min(totals, key=lambda dossier_id: totals[dossier_id])


def plan_trainee(
    trainee_id: uuid.UUID,
    evaluated: Sequence[Evaluated],
    *,
    paid: Mapping[uuid.UUID, PaidByKey],
    scope: RunScope,
    overpayments: Sequence[OverpaymentShare],
    blocked: frozenset[uuid.UUID],
) -> TraineePlan:
    """Net the trainee's payable lines, offset overpayments, pick the account (or skip)."""
    lines = tuple(
        line
        for item in evaluated
        for line in payable_lines(
            item.facts.dossier_id, item.lines, paid.get(item.facts.dossier_id, {}), scope
        )
    )
    settled = tuple(item.facts for item in evaluated)
    if not lines:
        return TraineePlan(trainee_id, (), None, None, None, settled)
    settlement = settle(sum((line.amount for line in lines), Decimal(0)), overpayments)
    if settlement.transfer <= 0:
        debtor = _debtor_dossier(lines) if settlement.new_overpayment > 0 else None
        return TraineePlan(trainee_id, lines, settlement, None, debtor, settled)
    paying = _paying_dossier(evaluated, blocked)
    if isinstance(paying, SkipReason):
        return TraineePlan(trainee_id, (), None, None, None, (), skipped=paying)
    return TraineePlan(trainee_id, lines, settlement, paying, None, settled)
