"""Writing what a run decided, chunk after chunk, with bulk statements.

The plans of a chunk of trainees become rows (payments, payment lines, overpayment offsets, new
overpayments, overpayment balances, paid attendance lines, lifted blocks) buffered in memory and
written with one
``executemany`` per table: a run over 100 000 dossiers issues a few thousand statements, not a
million. Everything stays in the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Dialect, Table, bindparam, update

from payments.batch_files import batch_payment_information_id, open_batch
from payments.bulk_insert import PreparedRows, insert_rows, prepare_rows
from payments.config import PayerAccount
from payments.facts import BankDetails, DossierFacts
from payments.lines import PayableLine
from payments.models import (
    BankDetailsBlock,
    Overpayment,
    OverpaymentOffset,
    Payment,
    PaymentBatch,
    PaymentLine,
)
from payments.planning import TraineePlan
from payments.transfers import Creditor, TransferData, payment_row
from payments.vocabulary import OverpaymentStatus, RunKind, SkipReason
from remuneration.db.many import among
from remuneration.db.models import AttendanceStatementLine
from remuneration.services.case_requests import request_case
from remuneration.services.context import ServiceContext
from remuneration.services.protection import FieldProtector
from rules import LineKind, Month

__all__ = [
    "PendingRows",
    "PlanSettings",
    "PlannerState",
    "RunCounters",
    "RunPlanner",
    "RunWriter",
    "creditor_of",
]

_OVERPAYMENTS = cast(Table, Overpayment.__table__)
_PAYMENTS = cast(Table, Payment.__table__)
_LINES = cast(Table, PaymentLine.__table__)
_OFFSETS = cast(Table, OverpaymentOffset.__table__)
_STATEMENT_LINES = cast(Table, AttendanceStatementLine.__table__)


@dataclass
class RunCounters:
    """What a run did, for its summary and its audit event."""

    dossiers: int = 0
    lines: int = 0
    payments: int = 0
    reissues: int = 0
    overpayments: int = 0
    total: Decimal = Decimal("0.00")
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass
class PendingRows:
    """One chunk's rows, waiting to be written."""

    payments: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    new_overpayments: list[dict[str, Any]] = field(default_factory=list)
    offsets: list[dict[str, Any]] = field(default_factory=list)
    balances: list[dict[str, Any]] = field(default_factory=list)
    statement_lines: list[uuid.UUID] = field(default_factory=list)
    lifted: list[uuid.UUID] = field(default_factory=list)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    # The inserted tables' rows already prepared for the database (``bulk_insert.prepare_rows``,
    # by a worker process on SQLite), by table name: they replace the lists above.
    prepared: dict[str, PreparedRows] = field(default_factory=dict)

    def prepare(self, dialect: Dialect) -> None:
        """Turn the inserted tables' rows into ``PreparedRows`` for ``dialect`` (SQLite)."""
        for table, rows in self.inserted():
            if rows:
                self.prepared[table.name] = prepare_rows(dialect, table, rows)
                rows.clear()

    def inserted(self) -> tuple[tuple[Table, list[dict[str, Any]]], ...]:
        """Each inserted table with its rows, parents before children."""
        return (
            (_PAYMENTS, self.payments),
            (_LINES, self.lines),
            (_OVERPAYMENTS, self.new_overpayments),
            (_OFFSETS, self.offsets),
        )


@dataclass(frozen=True, slots=True)
class PlannerState:
    """What a worker process's planner did so far, sent back with each chunk's rows."""

    counters: RunCounters
    batch_id: uuid.UUID | None


def creditor_of(trainee: Any, bank: BankDetails) -> Creditor:
    """The account holder (as on the RIB, else the trainee's name) and the trainee's address."""
    name = bank.holder or f"{trainee.last_name} {trainee.first_names}"
    return Creditor(
        name=name,
        street=trainee.street,
        post_code=trainee.postcode,
        town=trainee.town or "",
        country=trainee.country,
        iban=bank.iban,
        iban_hash=bank.iban_hash,
        bic=bank.bic,
        iban_changed_at=bank.iban_changed_at,
    )


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """What planning a run's chunks needs to know of the run (plain values: a worker process
    receives them)."""

    run_id: uuid.UUID
    kind: RunKind
    period: str
    now: datetime
    alert_days: int
    last_period: Month | None


class RunPlanner:
    """Buffers one chunk's rows (computing only: no session); reserves the run's batch
    identifier at the first payment. Runs in the run's process or in its worker process."""

    def __init__(self, settings: PlanSettings, protector: FieldProtector) -> None:
        self.settings, self.protector = settings, protector
        self.run_id, self.kind, self.period = settings.run_id, settings.kind, settings.period
        self.alert_days, self.last_period = settings.alert_days, settings.last_period
        self._batch_id: uuid.UUID | None = None
        self.counters = RunCounters()
        # Dossiers whose advance this run paid (a positive advance line): the person history of
        # a later chunk must know them before they are written (``evaluation.read_chunk``).
        self.advances_paid: set[uuid.UUID] = set()
        self._reset()

    def _reset(self) -> None:
        self._buffers = PendingRows()

    @property
    def now(self) -> datetime:
        return self.settings.now

    @property
    def reserved_batch_id(self) -> uuid.UUID | None:
        return self._batch_id

    def batch_id(self) -> uuid.UUID:
        """The run's batch: its identifier is reserved at the first payment, its row written
        with the first rows that point at it (``RunWriter.write``), so that planning never
        queries."""
        if self._batch_id is None:
            self._batch_id = uuid.uuid4()
        return self._batch_id

    def _remittance(self, dossier_id: uuid.UUID) -> str:
        short = dossier_id.hex[:8].upper()
        if self.kind is RunKind.ADVANCE:
            return f"Region - avance remuneration formation - dossier {short}"
        return f"Region - remuneration formation {self.period} - dossier {short}"

    def add_transfer(self, data: TransferData, creditor: Creditor) -> uuid.UUID:
        """Buffer one payment; returns its id (lines and offsets point at it)."""
        row = payment_row(
            data, creditor, protector=self.protector, now=self.now, alert_days=self.alert_days
        )
        if data.batch_id == self._batch_id:
            row["payment_information_id"] = batch_payment_information_id(data.batch_id)
        self._buffers.payments.append(row)
        self.counters.total += data.amount
        if row["iban_recently_changed"]:
            self._buffers.flagged.append(row)
        payment_id = row["id"]
        assert isinstance(payment_id, uuid.UUID)  # ``payment_row``'s own uuid4
        return payment_id

    def skip(self, reason: SkipReason) -> None:
        self.counters.skipped[reason.value] += 1

    def lift_block(self, block_id: uuid.UUID) -> None:
        self._buffers.lifted.append(block_id)

    def add_plan(self, plan: TraineePlan) -> None:
        """Buffer everything one trainee's plan settles."""
        if plan.skipped is not None:
            self.skip(plan.skipped)
            return
        self.counters.dossiers += len(plan.settled)
        self._mark_statements(plan.settled)
        if plan.settlement is None:
            return
        payment_id = None
        if plan.paying is not None and plan.paying.bank_details is not None:
            data = TransferData(
                run_id=self.run_id,
                batch_id=self.batch_id(),
                trainee_id=plan.trainee_id,
                dossier_id=plan.paying.dossier_id,
                amount=plan.settlement.transfer,
                remittance=self._remittance(plan.paying.dossier_id),
            )
            payment_id = self.add_transfer(
                data, creditor_of(plan.paying.trainee, plan.paying.bank_details)
            )
            self.counters.payments += 1
        self._add_lines(plan.trainee_id, plan.lines, payment_id)
        self._add_offsets(plan, payment_id)
        if plan.settlement.new_overpayment > 0 and plan.debtor_dossier_id is not None:
            self._add_overpayment(
                plan.trainee_id, plan.debtor_dossier_id, plan.settlement.new_overpayment
            )

    def _mark_statements(self, settled: tuple[DossierFacts, ...]) -> None:
        if self.kind is not RunKind.MONTHLY or self.last_period is None:
            return
        last = str(self.last_period)
        for facts in settled:
            self._buffers.statement_lines += [
                line_id for month, line_id in facts.statement_lines.items() if month <= last
            ]

    def _add_lines(
        self, trainee_id: uuid.UUID, lines: tuple[PayableLine, ...], payment_id: uuid.UUID | None
    ) -> None:
        self.counters.lines += len(lines)
        self.advances_paid.update(
            line.dossier_id for line in lines if line.kind is LineKind.ADVANCE and line.amount > 0
        )
        self._buffers.lines += [
            {
                "id": uuid.uuid4(),
                "run_id": self.run_id,
                "payment_id": payment_id,
                "dossier_id": line.dossier_id,
                "trainee_id": trainee_id,
                "period": str(line.period),
                "kind": line.kind.value,
                "revision": line.revision,
                "amount": line.amount,
                "engine_amount": line.engine_amount,
                "rule": line.rule,
                "explanation": line.explanation,
                "created_at": self.now,
            }
            for line in lines
        ]

    def _add_offsets(self, plan: TraineePlan, payment_id: uuid.UUID | None) -> None:
        assert plan.settlement is not None
        for overpayment_id, amount in plan.settlement.offsets:
            self._buffers.offsets.append(
                {
                    "id": uuid.uuid4(),
                    "debt_id": overpayment_id,  # the column keeps its stored name
                    "run_id": self.run_id,
                    "payment_id": payment_id,
                    "amount": amount,
                    "created_at": self.now,
                }
            )
            self._buffers.balances.append({"b_id": overpayment_id, "b_taken": amount})

    def _add_overpayment(
        self, trainee_id: uuid.UUID, dossier_id: uuid.UUID, amount: Decimal
    ) -> None:
        self.counters.overpayments += 1
        self._buffers.new_overpayments.append(
            {
                "id": uuid.uuid4(),
                "trainee_id": trainee_id,
                "dossier_id": dossier_id,
                "origin_run_id": self.run_id,
                "amount": amount,
                "remaining": amount,
                "status": OverpaymentStatus.OPEN.value,
                "version": 1,
                "created_at": self.now,
            }
        )

    def state(self) -> PlannerState:
        return PlannerState(self.counters, self._batch_id)

    def take(self) -> PendingRows:
        """The rows buffered so far, to be written by ``write``; the buffers start empty again
        (the next chunk may be planned while these are written)."""
        buffers = self._buffers
        self._reset()
        return buffers


class RunWriter(RunPlanner):
    """The run's planner in its own process, which also writes the rows (in the caller's
    transaction) and opens the run's batch with its first payment."""

    def __init__(
        self,
        ctx: ServiceContext,
        *,
        run_id: uuid.UUID,
        kind: RunKind,
        period: str,
        execution_date: Any,
        payer: PayerAccount,
        alert_days: int,
        last_period: Month | None,
    ) -> None:
        settings = PlanSettings(run_id, kind, period, ctx.now, alert_days, last_period)
        super().__init__(settings, ctx.protector)
        self.ctx = ctx
        self.execution_date, self.payer = execution_date, payer
        self.batch: PaymentBatch | None = None

    def adopt(self, planner: PlannerState) -> None:
        """Take over what a worker process's planner did so far (its counters and its reserved
        batch identifier): the rows it buffered come with ``write``."""
        self.counters = planner.counters
        if planner.batch_id is not None:
            assert self._batch_id in (None, planner.batch_id)
            self._batch_id = planner.batch_id

    def flush(self) -> None:
        """Write the buffered rows and empty the buffers."""
        self.write(self.take())

    def write(self, buffers: PendingRows) -> None:
        """Write rows taken with ``take`` (parents before children)."""
        session = self.ctx.session
        if (buffers.payments or _PAYMENTS.name in buffers.prepared) and self.batch is None:
            assert self._batch_id is not None  # reserved by the first payment
            self.batch = open_batch(
                self.ctx,
                run_id=self.run_id,
                payer=self.payer,
                execution_date=self.execution_date,
                batch_id=self._batch_id,
            )
        for table, rows in buffers.inserted():  # complete rows, in bulk
            insert_rows(session, table, buffers.prepared.get(table.name, rows))
        self._write_balances(buffers.balances)
        dialect = session.get_bind().dialect.name
        if buffers.statement_lines:
            session.execute(
                update(_STATEMENT_LINES)
                .where(among(_STATEMENT_LINES.c.id, buffers.statement_lines, dialect))
                .values(paid=True, paid_at=self.now)
            )
        if buffers.lifted:
            session.execute(
                update(BankDetailsBlock)
                .where(BankDetailsBlock.id.in_(buffers.lifted))
                .values(lifted_at=self.now)
            )
        self._request_cases(buffers.flagged)

    def _write_balances(self, balances: list[dict[str, Any]]) -> None:
        if not balances:
            return
        remaining = _OVERPAYMENTS.c.remaining - bindparam("b_taken")
        self.ctx.session.execute(
            update(_OVERPAYMENTS)
            .where(_OVERPAYMENTS.c.id == bindparam("b_id"))
            .values(remaining=remaining, version=_OVERPAYMENTS.c.version + 1),
            balances,
        )
        self.ctx.session.execute(
            update(_OVERPAYMENTS)
            .where(_OVERPAYMENTS.c.id.in_([row["b_id"] for row in balances]))
            .where(_OVERPAYMENTS.c.remaining == 0)
            .values(status=OverpaymentStatus.SETTLED.value, settled_at=self.now)
        )

    def _request_cases(self, flagged: list[dict[str, Any]]) -> None:
        for row in flagged:
            request_case(
                self.ctx.session,
                cause_key=f"bank_details_change:dossier:{row['dossier_id']}",
                category="bank_details_change",
                priority="high",
                summary=(
                    "Virement préparé vers un IBAN modifié récemment : vérifier le changement de "
                    "coordonnées bancaires avant la libération du lot."
                ),
                now=self.now,
                trainee_id=row["trainee_id"],
                dossier_id=row["dossier_id"],
                payment_id=row["id"],
                payment_batch_id=row["batch_id"],
            )
