"""One chunk of a run: the engine on each dossier's stored facts, then what was paid before,
the trainees' open overpayments and the blocked bank details, read with one query each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Uuid, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from payments.facts import DossierFacts, load_facts
from payments.lines import OverpaymentShare, PaidState
from payments.models import BankDetailsBlock, Overpayment, PaymentLine
from payments.planning import Evaluated, PaidByKey
from payments.run_writer import RunWriter
from payments.vocabulary import OverpaymentStatus, SkipReason
from remuneration.domain.timezone import as_utc
from remuneration.services.context import ServiceContext
from rules import (
    Decision,
    InputError,
    LineKind,
    Month,
    ParameterStore,
    evaluate_request,
    parse_request,
)

__all__ = ["ChunkState", "EvaluatedChunk", "evaluate_chunk", "load_chunk_state"]

_OFFSETTABLE = (OverpaymentStatus.OPEN.value, OverpaymentStatus.RECOVERY_ORDER.value)


@dataclass
class EvaluatedChunk:
    """The granted dossiers of a chunk with their engine lines, grouped by trainee."""

    by_trainee: dict[uuid.UUID, list[Evaluated]] = field(default_factory=dict)

    @property
    def facts(self) -> list[DossierFacts]:
        return [item.facts for items in self.by_trainee.values() for item in items]


@dataclass(frozen=True, slots=True)
class ChunkState:
    """What the database already holds for the chunk's dossiers and trainees."""

    paid: dict[uuid.UUID, PaidByKey]
    overpayments: dict[uuid.UUID, list[OverpaymentShare]]
    blocked: frozenset[uuid.UUID]


def evaluate_chunk(
    ctx: ServiceContext,
    dossier_ids: Sequence[uuid.UUID],
    *,
    as_of: date,
    store: ParameterStore,
    writer: RunWriter,
) -> EvaluatedChunk:
    """Evaluate each dossier as stored now; a dossier not granted today is left unpaid."""
    chunk = EvaluatedChunk()
    for facts in load_facts(ctx.session, ctx.protector, dossier_ids, as_of=as_of):
        try:
            request = parse_request(facts.request, today=as_of)
        except InputError:
            writer.skip(SkipReason.INVALID_FACTS)
            continue
        result = evaluate_request(request, store)
        if result.decision is not Decision.GRANTED:
            writer.skip(SkipReason.NOT_GRANTED)
            continue
        chunk.by_trainee.setdefault(facts.trainee_id, []).append(Evaluated(facts, result.lines))
    return chunk


# The lines already paid, per dossier of the chunk. On PostgreSQL, one index lookup per dossier
# whatever the statistics say: a run fills ``payment_lines`` within its own transaction, so the
# planner has no statistics on it during a first run, takes an IN list of 500 identifiers for the
# whole table and scans it for every chunk (quadratic in the run's size). The LATERAL subquery
# with OFFSET 0 is not flattened into a join: it is run once per identifier, by the index on
# (dossier_id, period, kind, revision).
_PAID_COLUMNS = (
    PaymentLine.dossier_id,
    PaymentLine.period,
    PaymentLine.kind,
    PaymentLine.revision,
    PaymentLine.amount,
)
_PAID = select(*_PAID_COLUMNS).where(PaymentLine.dossier_id.in_(bindparam("ids", expanding=True)))
_PAID_POSTGRESQL = (
    text(
        "SELECT u.id AS dossier_id, pl.period, pl.kind, pl.revision, pl.amount "
        "FROM unnest(CAST(:ids AS UUID[])) AS u(id) CROSS JOIN LATERAL ("
        "SELECT period, kind, revision, amount FROM payment_lines "
        "WHERE payment_lines.dossier_id = u.id OFFSET 0) AS pl"
    )
    .bindparams(bindparam("ids", type_=ARRAY(Uuid())))
    .columns(*_PAID_COLUMNS)
)


def _paid(ctx: ServiceContext, dossier_ids: list[uuid.UUID]) -> dict[uuid.UUID, PaidByKey]:
    """Sums per (period, kind) computed in Python: SQLite would sum decimals as floats."""
    postgresql = ctx.session.get_bind().dialect.name == "postgresql"
    rows = ctx.session.execute(_PAID_POSTGRESQL if postgresql else _PAID, {"ids": dossier_ids})
    paid: dict[uuid.UUID, dict[tuple[Month, LineKind], PaidState]] = {}
    for dossier_id, period, kind, revision, amount in rows.tuples():
        key = (Month.parse(period), LineKind(kind))
        states = paid.setdefault(dossier_id, {})
        before = states.get(key, PaidState(Decimal("0.00"), -1))
        states[key] = PaidState(before.total + amount, max(before.last_revision, revision))
    return dict(paid)


def _overpayments(
    ctx: ServiceContext, trainee_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[OverpaymentShare]]:
    rows = ctx.session.execute(
        select(Overpayment.id, Overpayment.trainee_id, Overpayment.remaining)
        .where(
            Overpayment.trainee_id.in_(trainee_ids),
            Overpayment.status.in_(_OFFSETTABLE),
            Overpayment.remaining > 0,
        )
        .order_by(Overpayment.created_at, Overpayment.id)
    )
    overpayments: dict[uuid.UUID, list[OverpaymentShare]] = {}
    for overpayment_id, trainee_id, remaining in rows:
        overpayments.setdefault(trainee_id, []).append(OverpaymentShare(overpayment_id, remaining))
    return overpayments


def _blocked(
    ctx: ServiceContext, facts: list[DossierFacts], writer: RunWriter
) -> frozenset[uuid.UUID]:
    """Dossiers whose bank details a bank refused and no RIB was verified since (those
    verified since are lifted)."""
    by_id = {item.dossier_id: item for item in facts}
    rows = ctx.session.execute(
        select(BankDetailsBlock.id, BankDetailsBlock.dossier_id, BankDetailsBlock.blocked_at).where(
            BankDetailsBlock.dossier_id.in_(list(by_id)), BankDetailsBlock.lifted_at.is_(None)
        )
    )
    blocked: set[uuid.UUID] = set()
    for block_id, dossier_id, blocked_at in rows:
        bank = by_id[dossier_id].bank_details
        if bank is not None and as_utc(bank.updated_at) > as_utc(blocked_at):
            writer.lift_block(block_id)
        else:
            blocked.add(dossier_id)
    return frozenset(blocked)


def load_chunk_state(
    ctx: ServiceContext, chunk: EvaluatedChunk, *, writer: RunWriter
) -> ChunkState:
    facts = chunk.facts
    return ChunkState(
        paid=_paid(ctx, [item.dossier_id for item in facts]),
        overpayments=_overpayments(ctx, list(chunk.by_trainee)),
        blocked=_blocked(ctx, facts, writer),
    )
