"""Reading what finance exports are made of: a run's lines, offsets, carried overpayments, live
transfers and batches; the runs of a month; the recovery orders.

Money is summed in Python from the stored ``Decimal`` values, never with SQL ``SUM`` (SQLite
would add binary floats). A transfer replaced after a cancelled batch keeps pointing at its
predecessor; the lines point at the first transfer of the chain: ``_origins`` walks the chain
so that each line is tied to the transfer that really carries its money.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from exports.finance.reconciliation import (
    BatchData,
    CarriedOverpayment,
    DossierInfo,
    OffsetData,
    RunData,
    RunLineData,
    Transfer,
)
from exports.finance.summary import RecoveryOrderData
from payments.models import (
    Overpayment,
    OverpaymentOffset,
    Payment,
    PaymentBatch,
    PaymentLine,
    PaymentRun,
)
from payments.vocabulary import BatchStatus, PaymentStatus
from remuneration.db.models import Dossier, Exit, Trainee, Training
from remuneration.db.raw_ids import IdCache, raw_id
from remuneration.domain.errors import NotFound
from remuneration.domain.timezone import paris_day
from remuneration.domain.vocabulary import EXIT_REASON_LABELS
from rules.decisions import KIND_ORDER

__all__ = ["load_recovery_orders", "load_run", "runs_of_period"]


def _dossiers(
    session: Session, ids: Collection[uuid.UUID], uuids: IdCache | None = None
) -> dict[uuid.UUID, DossierInfo]:
    as_uuid = uuids or IdCache()
    rows = session.execute(
        select(
            raw_id(Dossier.id, "id"),
            raw_id(Dossier.trainee_id, "trainee_id"),
            Trainee.last_name,
            Trainee.first_names,
            Training.programme,
        )
        .join(Trainee, Trainee.id == Dossier.trainee_id)
        .join(Training, Training.id == Dossier.training_id)
        .where(Dossier.id.in_(list(ids)))
    )
    infos = (
        DossierInfo(
            as_uuid(row.id),
            as_uuid(row.trainee_id),
            f"{row.last_name} {row.first_names}",
            row.programme,
        )
        for row in rows
    )
    return {info.dossier_id: info for info in infos}


def _origins(payments: dict[uuid.UUID, _Payment]) -> dict[uuid.UUID, uuid.UUID | None]:
    """Live transfer → the first transfer of its chain (None: a re-issue of a refused one)."""
    origins: dict[uuid.UUID, uuid.UUID | None] = {}
    for payment_id, payment in payments.items():
        if payment.status == PaymentStatus.CANCELLED.value:
            continue
        current = payment
        while current.reissue_of is not None:
            previous = payments.get(current.reissue_of)
            if previous is None or previous.status != PaymentStatus.CANCELLED.value:
                break
            current = previous
        origins[payment_id] = current.id if current.reissue_of is None else None
    return origins


_REFUSED = (PaymentStatus.REJECTED.value, PaymentStatus.RETURNED.value)


@dataclass(frozen=True, slots=True)
class _Payment:
    """What the exports read of a transfer."""

    id: uuid.UUID
    batch_id: uuid.UUID | None
    dossier_id: uuid.UUID
    reissue_of: uuid.UUID | None
    amount: Decimal
    status: str
    end_to_end_id: str
    iban_masked: str


def _payments(session: Session, run_id: uuid.UUID, as_uuid: IdCache) -> dict[uuid.UUID, _Payment]:
    rows = session.execute(
        select(
            raw_id(Payment.id, "id"),
            raw_id(Payment.batch_id, "batch_id"),
            raw_id(Payment.dossier_id, "dossier_id"),
            raw_id(Payment.reissue_of, "reissue_of"),
            Payment.amount,
            Payment.status,
            Payment.end_to_end_id,
            Payment.iban_masked,
        ).where(Payment.run_id == run_id)
    )
    payments = (
        _Payment(
            as_uuid(row.id),
            as_uuid.optional(row.batch_id),
            as_uuid(row.dossier_id),
            as_uuid.optional(row.reissue_of),
            row.amount,
            row.status,
            row.end_to_end_id,
            row.iban_masked,
        )
        for row in rows
    )
    return {payment.id: payment for payment in payments}


def _batch_data(batch: PaymentBatch, payments: list[_Payment]) -> BatchData:
    """A live batch, with the transfers a corrected batch took from it (cancelled here)."""
    withdrawn = [p.amount for p in payments if p.status == PaymentStatus.CANCELLED.value]
    return BatchData(
        batch.message_id,
        batch.status,
        batch.number_of_transactions,
        batch.control_sum,
        withdrawn_count=len(withdrawn),
        withdrawn=sum(withdrawn, Decimal("0.00")),
    )


def _transfers(
    session: Session, run_id: uuid.UUID, uuids: IdCache | None = None
) -> tuple[list[Transfer], list[BatchData]]:
    batches = {
        batch.id: batch
        for batch in session.scalars(select(PaymentBatch).where(PaymentBatch.run_id == run_id))
    }
    payments = _payments(session, run_id, uuids or IdCache())
    refused = [p.id for p in payments.values() if p.status in _REFUSED]
    reissued = set(
        session.scalars(select(Payment.reissue_of).where(Payment.reissue_of.in_(refused)))
    )
    transfers = []
    for payment_id, origin in _origins(payments).items():
        payment = payments[payment_id]
        batch = batches.get(payment.batch_id) if payment.batch_id else None
        transfers.append(
            Transfer(
                payment_id=payment_id,
                origin_id=origin,
                dossier_id=payment.dossier_id,
                amount=payment.amount,
                status=payment.status,
                end_to_end_id=payment.end_to_end_id,
                batch_message_id=batch.message_id if batch else None,
                execution_date=batch.execution_date if batch else None,
                iban_masked=payment.iban_masked,
                reissued=payment_id in reissued,
            )
        )
    live = [
        _batch_data(b, [p for p in payments.values() if p.batch_id == b.id])
        for b in sorted(batches.values(), key=lambda b: (b.prepared_at, b.message_id))
        if b.status != BatchStatus.CANCELLED.value
    ]
    return sorted(transfers, key=lambda t: t.end_to_end_id), live


_KIND_RANK = {kind.value: rank for kind, rank in KIND_ORDER.items()}


def _lines(session: Session, run_id: uuid.UUID, uuids: IdCache | None = None) -> list[RunLineData]:
    as_uuid = uuids or IdCache()
    rows = session.execute(
        select(
            raw_id(PaymentLine.dossier_id, "dossier_id"),
            PaymentLine.period,
            PaymentLine.kind,
            PaymentLine.revision,
            PaymentLine.amount,
            raw_id(PaymentLine.payment_id, "payment_id"),
        ).where(PaymentLine.run_id == run_id)
    )
    lines = [
        RunLineData(
            as_uuid(dossier_id), period, kind, revision, amount, as_uuid.optional(payment_id)
        )
        for dossier_id, period, kind, revision, amount, payment_id in rows.tuples()
    ]
    return sorted(
        lines, key=lambda x: (str(x.dossier_id), x.period, _KIND_RANK[x.kind], x.revision)
    )


def load_run(session: Session, run_id: uuid.UUID) -> RunData:
    """A run as stored, ready for ``exports.finance.run_rows`` and ``reconcile``."""
    run = session.get(PaymentRun, run_id)
    if run is None:
        raise NotFound("Paie introuvable.")
    offsets = [
        OffsetData(row.dossier_id, row.amount, row.payment_id)
        for row in session.execute(
            select(Overpayment.dossier_id, OverpaymentOffset.amount, OverpaymentOffset.payment_id)
            .join(Overpayment, Overpayment.id == OverpaymentOffset.overpayment_id)
            .where(OverpaymentOffset.run_id == run_id)
            .order_by(OverpaymentOffset.id)
        )
    ]
    overpayments = [
        CarriedOverpayment(row.dossier_id, row.amount, row.status)
        for row in session.execute(
            select(Overpayment.dossier_id, Overpayment.amount, Overpayment.status)
            .where(Overpayment.origin_run_id == run_id)
            .order_by(Overpayment.id)
        )
    ]
    uuids = IdCache()
    lines = _lines(session, run_id, uuids)
    transfers, batches = _transfers(session, run_id, uuids)
    ids = {x.dossier_id for x in lines} | {x.dossier_id for x in offsets}
    ids |= {x.dossier_id for x in overpayments} | {x.dossier_id for x in transfers}
    return RunData(
        run_id=run.id,
        kind=run.kind,
        period=run.period,
        lines=tuple(lines),
        offsets=tuple(offsets),
        overpayments=tuple(overpayments),
        transfers=tuple(transfers),
        batches=tuple(batches),
        dossiers=_dossiers(session, ids, uuids),
    )


def runs_of_period(session: Session, month: str) -> list[uuid.UUID]:
    """The runs of a month: its monthly run and the advance runs of its days."""
    query = (
        select(PaymentRun.id)
        .where(
            ((PaymentRun.kind == "monthly") & (PaymentRun.period == month))
            | ((PaymentRun.kind == "advance") & PaymentRun.period.like(f"{month}-%"))
        )
        .order_by(PaymentRun.period, PaymentRun.kind)
    )
    return list(session.scalars(query))


def _paris_date(moment: datetime) -> date:
    return paris_day(moment)


def _reason(exit_date: date | None, exit_reason: str | None, regularised: bool) -> str:
    if exit_date is not None and exit_reason is not None:
        when = exit_date.strftime("%d/%m/%Y")
        return f"Sortie de formation le {when} ({EXIT_REASON_LABELS.get(exit_reason, exit_reason)})"
    if regularised:
        return "Régularisation de mois déjà payés, formation terminée"
    return "Solde négatif non compensable, formation terminée"


def _regularised(
    session: Session, overpayments: Iterable[Row[tuple[Overpayment]]]
) -> set[uuid.UUID]:
    """Overpayments whose origin lines include a regularisation (a revision of a paid month)."""
    found: set[uuid.UUID] = set()
    for overpayment in overpayments:
        revised = session.scalar(
            select(PaymentLine.id).where(
                PaymentLine.run_id == overpayment.origin_run_id,
                PaymentLine.trainee_id == overpayment.trainee_id,
                PaymentLine.payment_id.is_(None),
                PaymentLine.revision > 0,
            )
        )
        if revised is not None:
            found.add(overpayment.id)
    return found


def _address(row: Row[tuple[object, ...]]) -> str:
    parts = [row.street, " ".join(x for x in (row.postcode, row.town) if x)]
    if row.country != "FR":
        parts.append(row.country)
    return ", ".join(part for part in parts if part)


def load_recovery_orders(session: Session, *, status: str | None = None) -> list[RecoveryOrderData]:
    """Every overpayment that became a recovery order (optionally in one status), oldest order
    first."""
    query = (
        select(
            Overpayment.__table__,
            Trainee.last_name,
            Trainee.first_names,
            Trainee.street,
            Trainee.postcode,
            Trainee.town,
            Trainee.country,
            Training.programme,
            Training.title,
            Exit.exit_date,
            Exit.reason.label("exit_reason"),
        )
        .join(Dossier, Dossier.id == Overpayment.dossier_id)
        .join(Trainee, Trainee.id == Overpayment.trainee_id)
        .join(Training, Training.id == Dossier.training_id)
        .outerjoin(Exit, Exit.dossier_id == Dossier.id)
        .where(Overpayment.recovery_order_at.is_not(None))
        .order_by(Overpayment.recovery_order_at, Overpayment.recovery_order_reference)
    )
    if status is not None:
        query = query.where(Overpayment.status == status)
    rows = list(session.execute(query))
    regularised = _regularised(session, rows)
    return [
        RecoveryOrderData(
            overpayment_id=row.id,
            reference=row.recovery_order_reference or "",
            trainee_id=row.trainee_id,
            debtor=f"{row.last_name} {row.first_names}",
            address=_address(row),
            dossier_id=row.dossier_id,
            programme=row.programme,
            training=row.title,
            reason=_reason(row.exit_date, row.exit_reason, row.id in regularised),
            amount=row.amount,
            remaining=row.remaining,
            status=row.status,
            overpayment_date=_paris_date(row.created_at),
            order_date=_paris_date(row.recovery_order_at),
            waiver_date=_paris_date(row.waived_at) if row.waived_at else None,
        )
        for row in rows
    ]
