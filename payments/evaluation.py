"""One chunk of a run, in two steps that a run may overlap with its neighbours' work.

``read_chunk`` only queries: the dossiers' stored facts, what was paid before, the trainees'
open overpayments and the bank details blocks, one query each. ``evaluate_chunk`` only computes:
the engine on each dossier's facts, and the state the planning needs. Nothing ``read_chunk``
reads is written by the run for another chunk (a trainee's dossiers are never split between
chunks), except the advances paid to the same person under another trainee record, which the
run passes to ``evaluate_chunk`` (``advances_paid``)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Uuid, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from payments.facts import DossierFacts, FactRows, build_facts, read_facts
from payments.lines import OverpaymentShare, PaidState
from payments.models import BankDetailsBlock, Overpayment, PaymentLine
from payments.planning import Evaluated, PaidByKey
from payments.run_writer import RunPlanner
from payments.vocabulary import OverpaymentStatus, SkipReason
from remuneration.db.many import among
from remuneration.domain.timezone import as_utc
from remuneration.services.context import ServiceContext
from remuneration.services.protection import FieldProtector
from rules import (
    Decision,
    InputError,
    LineKind,
    Month,
    ParameterStore,
    evaluate_request,
    parse_request,
)

__all__ = ["ChunkReading", "ChunkState", "EvaluatedChunk", "evaluate_chunk", "read_chunk"]

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


@dataclass(frozen=True, slots=True)
class ChunkReading:
    """What ``read_chunk`` read for a chunk of dossiers."""

    facts: FactRows
    paid: dict[uuid.UUID, PaidByKey]
    overpayments: dict[uuid.UUID, list[OverpaymentShare]]
    blocks: list[tuple[uuid.UUID, uuid.UUID, datetime]]


def read_chunk(ctx: ServiceContext, chunk: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> ChunkReading:
    """Every query of a chunk of (dossier, trainee) pairs; nothing computed, nothing written."""
    dossier_ids = [row[0] for row in chunk]
    trainee_ids = list(dict.fromkeys(row[1] for row in chunk))
    return ChunkReading(
        facts=read_facts(ctx.session, dossier_ids),
        paid=_paid(ctx, dossier_ids),
        overpayments=_overpayments(ctx, trainee_ids),
        blocks=_blocks(ctx, dossier_ids),
    )


def evaluate_chunk(
    protector: FieldProtector,
    reading: ChunkReading,
    *,
    as_of: date,
    store: ParameterStore,
    writer: RunPlanner,
    advances_paid: Collection[uuid.UUID] = frozenset(),
) -> tuple[EvaluatedChunk, ChunkState]:
    """Evaluate each dossier as stored now (a dossier not granted today is left unpaid), and
    the state its planning needs. No query, no session: it may run in a worker process."""
    chunk = EvaluatedChunk()
    all_facts = build_facts(reading.facts, protector, as_of=as_of, advances_paid=advances_paid)
    for facts in all_facts:
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
    state = ChunkState(
        paid=reading.paid,
        overpayments=reading.overpayments,
        blocked=_blocked(chunk.facts, reading.blocks, writer),
    )
    return chunk, state


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
    dialect = ctx.session.get_bind().dialect.name
    rows = ctx.session.execute(
        select(Overpayment.id, Overpayment.trainee_id, Overpayment.remaining)
        .where(
            among(Overpayment.trainee_id, trainee_ids, dialect),
            Overpayment.status.in_(_OFFSETTABLE),
            Overpayment.remaining > 0,
        )
        .order_by(Overpayment.created_at, Overpayment.id)
    )
    overpayments: dict[uuid.UUID, list[OverpaymentShare]] = {}
    for overpayment_id, trainee_id, remaining in rows:
        overpayments.setdefault(trainee_id, []).append(OverpaymentShare(overpayment_id, remaining))
    return overpayments


def _blocks(
    ctx: ServiceContext, dossier_ids: list[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID, datetime]]:
    dialect = ctx.session.get_bind().dialect.name
    rows = ctx.session.execute(
        select(BankDetailsBlock.id, BankDetailsBlock.dossier_id, BankDetailsBlock.blocked_at).where(
            among(BankDetailsBlock.dossier_id, dossier_ids, dialect),
            BankDetailsBlock.lifted_at.is_(None),
        )
    )
    return [(row[0], row[1], row[2]) for row in rows]


def _blocked(
    facts: list[DossierFacts],
    blocks: list[tuple[uuid.UUID, uuid.UUID, datetime]],
    writer: RunPlanner,
) -> frozenset[uuid.UUID]:
    """Evaluated dossiers whose bank details a bank refused and no RIB was verified since
    (those verified since are lifted)."""
    by_id = {item.dossier_id: item for item in facts}
    blocked: set[uuid.UUID] = set()
    for block_id, dossier_id, blocked_at in blocks:
        if dossier_id not in by_id:
            continue  # not evaluated (not granted today): its block is left as it is
        bank = by_id[dossier_id].bank_details
        if bank is not None and as_utc(bank.updated_at) > as_utc(blocked_at):
            writer.lift_block(block_id)
        else:
            blocked.add(dossier_id)
    return frozenset(blocked)
