"""What finance receives about a payment run, and the proof that its figures agree.

A run settles, for each trainee, the engine's lines (first payments and regularisations); the
net is sent as one transfer, minus the overpayments it offsets, or, when negative, carried as a new
overpayment. The run's batch also carries re-issues of transfers the bank refused. So, for every
run:

    lines − offsets + carried overpayments + re-issues = transfers = control sums of the batches

and, transfer by transfer, the rows attached to it add up to its amount; rows of a trainee who
got no transfer add up to zero. Every euro is in exactly one state (``exports.finance.states``:
paid, held, rejected, returned, re-issued; offset; carried overpayments being offset, claimed by a
recovery order, waived or settled), and the transfers' states add up to the batches.
``reconcile`` checks all of it to the cent; an export whose
check fails is refused (``exports.errors.ExportNotReconciled``), so that finance never holds a
spreadsheet that contradicts the bank files.

Pure: the data arrive as frozen snapshots (``exports.finance.queries`` reads them), so that the
rows, the check and the golden files are tested without a database.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from exports.finance.states import StateTotals, overpayment_state, transfer_state
from exports.tabular import Column, ColumnKind
from exports.wording import amount_in_figures
from payments.vocabulary import PAYMENT_STATUS_LABELS, RUN_KIND_LABELS
from remuneration.domain.vocabulary import LINE_KIND_LABELS

__all__ = [
    "NATURE_LABELS",
    "RUN_COLUMNS",
    "BatchData",
    "CarriedOverpayment",
    "DossierInfo",
    "FinanceRow",
    "OffsetData",
    "Reconciliation",
    "RunData",
    "RunLineData",
    "Transfer",
    "reconcile",
    "row_dict",
    "run_label",
    "run_rows",
]

_ZERO = Decimal("0.00")

NATURE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        **LINE_KIND_LABELS,
        "overpayment": "Trop-perçu (ligne du moteur)",
        "offset": "Retenue pour trop-perçu",
        "carried_debt": "Solde négatif reporté (trop-perçu)",
        "reissue": "Réémission d'un virement refusé",
    }
)
"""Nature code → French label, in the order of the summaries: the engine's line kinds in the
words of every door (``LINE_KIND_LABELS``; an engine's overpayment line is told apart from the
overpayments a run carries), then what the run itself adds."""

_NO_TRANSFER = "Sans virement"

RUN_COLUMNS = (
    Column("run", "Paie"),
    Column("trainee_id", "Référence stagiaire"),
    Column("trainee_name", "Stagiaire"),
    Column("dossier_id", "Dossier"),
    Column("programme", "Programme"),
    Column("period", "Période"),
    Column("nature", "Nature"),
    Column("revision", "Révision", ColumnKind.INT),
    Column("amount", "Montant (€)", ColumnKind.MONEY),
    Column("payment_status", "Statut du virement"),
    Column("end_to_end_id", "EndToEndId"),
    Column("batch", "Lot (MsgId)"),
    Column("execution_date", "Date d'exécution", ColumnKind.DATE),
    Column("iban_masked", "Compte (masqué)"),
)


@dataclass(frozen=True, slots=True)
class DossierInfo:
    dossier_id: uuid.UUID
    trainee_id: uuid.UUID
    trainee_name: str
    programme: str


@dataclass(frozen=True, slots=True)
class Transfer:
    """A live transfer of the run (not cancelled). ``origin_id`` is the first transfer of its
    chain, the one its lines and offsets point at; None for a re-issue of a refused transfer."""

    payment_id: uuid.UUID
    origin_id: uuid.UUID | None
    dossier_id: uuid.UUID
    amount: Decimal
    status: str
    end_to_end_id: str
    batch_message_id: str | None
    execution_date: date | None
    iban_masked: str
    reissued: bool = False


@dataclass(frozen=True, slots=True)
class RunLineData:
    dossier_id: uuid.UUID
    period: str
    kind: str
    revision: int
    amount: Decimal
    payment_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class OffsetData:
    """Part of an overpayment taken from this run's net (the transfer it reduced, if one was
    sent)."""

    dossier_id: uuid.UUID
    amount: Decimal
    payment_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class CarriedOverpayment:
    """An overpayment this run recorded: the trainee's negative net, carried."""

    dossier_id: uuid.UUID
    amount: Decimal
    status: str = "open"


@dataclass(frozen=True, slots=True)
class BatchData:
    """A live batch; ``withdrawn``: its transfers moved to a corrected batch after the bank
    rejected the file (cancelled here, carried there)."""

    message_id: str
    status: str
    number_of_transactions: int
    control_sum: Decimal
    withdrawn_count: int = 0
    withdrawn: Decimal = _ZERO


@dataclass(frozen=True, slots=True)
class RunData:
    """One run as stored: its lines, offsets, carried overpayments, live transfers and live
    batches."""

    run_id: uuid.UUID
    kind: str
    period: str
    lines: tuple[RunLineData, ...]
    offsets: tuple[OffsetData, ...]
    overpayments: tuple[CarriedOverpayment, ...]
    transfers: tuple[Transfer, ...]
    batches: tuple[BatchData, ...]
    dossiers: Mapping[uuid.UUID, DossierInfo]


@dataclass(frozen=True, slots=True)
class FinanceRow:
    """One row of a run export, tied to its transfer (None: no money sent for it)."""

    run: str
    dossier: DossierInfo
    period: str | None
    nature: str
    revision: int | None
    amount: Decimal
    transfer: Transfer | None


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The totals that must agree, and every disagreement found (in French)."""

    lines_total: Decimal = _ZERO
    offsets_total: Decimal = _ZERO
    carried_total: Decimal = _ZERO
    reissues_total: Decimal = _ZERO
    rows_total: Decimal = _ZERO
    transfers_count: int = 0
    transfers_total: Decimal = _ZERO
    batches_count: int = 0
    batches_total: Decimal = _ZERO
    problems: tuple[str, ...] = field(default=())
    states: StateTotals = field(default_factory=StateTotals)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __add__(self, other: Reconciliation) -> Reconciliation:
        return Reconciliation(
            self.lines_total + other.lines_total,
            self.offsets_total + other.offsets_total,
            self.carried_total + other.carried_total,
            self.reissues_total + other.reissues_total,
            self.rows_total + other.rows_total,
            self.transfers_count + other.transfers_count,
            self.transfers_total + other.transfers_total,
            self.batches_count + other.batches_count,
            self.batches_total + other.batches_total,
            self.problems + other.problems,
            self.states + other.states,
        )


def run_label(kind: str, period: str) -> str:
    """``Paie mensuelle 2024-05``, ``Avances 2024-05-06`` (the console's words for a run)."""
    return f"{RUN_KIND_LABELS.get(kind, kind)} {period}"


def _dossier(run: RunData, dossier_id: uuid.UUID) -> DossierInfo:
    try:
        return run.dossiers[dossier_id]
    except KeyError:
        raise ValueError(f"dossier {dossier_id} absent des données de la paie") from None


def run_rows(run: RunData) -> list[FinanceRow]:
    """Lines, offsets, carried overpayments and re-issues, each tied to its transfer (if any)."""
    label = run_label(run.kind, run.period)
    by_origin = {t.origin_id: t for t in run.transfers if t.origin_id is not None}
    rows = [
        FinanceRow(
            label,
            _dossier(run, x.dossier_id),
            x.period,
            x.kind,
            x.revision,
            x.amount,
            by_origin.get(x.payment_id) if x.payment_id else None,
        )
        for x in run.lines
    ]
    rows += [
        FinanceRow(
            label,
            _dossier(run, x.dossier_id),
            None,
            "offset",
            None,
            -x.amount,
            by_origin.get(x.payment_id) if x.payment_id else None,
        )
        for x in run.offsets
    ]
    rows += [
        FinanceRow(label, _dossier(run, x.dossier_id), None, "carried_debt", None, x.amount, None)
        for x in run.overpayments
    ]
    rows += [
        FinanceRow(label, _dossier(run, t.dossier_id), None, "reissue", None, t.amount, t)
        for t in run.transfers
        if t.origin_id is None
    ]
    return sorted(rows, key=_row_order(run))


_NATURE_ORDER = {code: index for index, code in enumerate(NATURE_LABELS)}


def _row_order(run: RunData) -> Callable[[FinanceRow], tuple[str, str, str, str, int, int]]:
    """By trainee (name, then id), dossier, month, nature, revision: stable and readable (each
    dossier's part of the key written once, not once per row)."""
    people = {
        info.dossier_id: (info.trainee_name, str(info.trainee_id), str(info.dossier_id))
        for info in run.dossiers.values()
    }

    def order(row: FinanceRow) -> tuple[str, str, str, str, int, int]:
        name, trainee, dossier = people[row.dossier.dossier_id]
        return (
            name,
            trainee,
            dossier,
            row.period or "9999-99",
            _NATURE_ORDER[row.nature],
            row.revision or 0,
        )

    return order


def _total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, _ZERO)


def _orphans(run: RunData) -> list[str]:
    """Lines or offsets pointing at a transfer that is not live in the run's batches."""
    origins = {t.origin_id for t in run.transfers}
    pointed = {x.payment_id for x in run.lines} | {x.payment_id for x in run.offsets}
    return [
        f"{run_label(run.kind, run.period)} : des lignes désignent le virement {payment_id}, "
        "absent des lots de la paie."
        for payment_id in sorted(pointed - origins - {None}, key=str)
    ]


def _per_transfer(run: RunData, rows: Sequence[FinanceRow]) -> list[str]:
    label = run_label(run.kind, run.period)
    attached: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    unpaid: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for row in rows:
        if row.transfer is not None:
            attached[row.transfer.payment_id] += row.amount
        else:
            unpaid[row.dossier.trainee_id] += row.amount
    problems = [
        f"{label} : le virement {t.end_to_end_id} vaut {amount_in_figures(t.amount)}, ses lignes "
        f"{amount_in_figures(attached[t.payment_id])}."
        for t in run.transfers
        if attached[t.payment_id] != t.amount
    ]
    problems += [
        f"{label} : les lignes sans virement du stagiaire {trainee_id} ne s'annulent pas "
        f"({amount_in_figures(total)})."
        for trainee_id, total in sorted(unpaid.items(), key=lambda item: str(item[0]))
        if total != 0
    ]
    return problems


def _states(run: RunData) -> tuple[StateTotals, list[str]]:
    """Each transfer, offset and carried overpayment in its state; what has none is a problem."""
    label = run_label(run.kind, run.period)
    items: list[tuple[str, Decimal]] = [("offset", x.amount) for x in run.offsets]
    problems: list[str] = []
    for t in run.transfers:
        state = transfer_state(t.status, reissued=t.reissued)
        if state is None:
            problems.append(f"{label} : le virement {t.end_to_end_id} a un état inconnu.")
        else:
            items.append((state, t.amount))
    for overpayment in run.overpayments:
        overpayment_code = overpayment_state(overpayment.status)
        if overpayment_code is None:
            problems.append(
                f"{label} : un trop-perçu reporté a un état inconnu ({overpayment.status})."
            )
        else:
            items.append((overpayment_code, overpayment.amount))
    totals = StateTotals.of(items)
    if totals.transfers_total() != _total(t.amount for t in run.transfers):
        problems.append(
            f"{label} : les états des virements font {amount_in_figures(totals.transfers_total())}"
            f", les virements {amount_in_figures(_total(t.amount for t in run.transfers))}."
        )
    return totals, problems


def reconcile(run: RunData, rows: Sequence[FinanceRow] | None = None) -> Reconciliation:
    """Check that the run's rows, transfers and batch control sums agree to the cent."""
    rows = run_rows(run) if rows is None else rows
    label = run_label(run.kind, run.period)
    transfers_total = _total(t.amount for t in run.transfers)
    batches_total = _total(b.control_sum - b.withdrawn for b in run.batches)
    batches_count = sum(b.number_of_transactions - b.withdrawn_count for b in run.batches)
    states, state_problems = _states(run)
    result = Reconciliation(
        lines_total=_total(x.amount for x in run.lines),
        offsets_total=_total(x.amount for x in run.offsets),
        carried_total=_total(x.amount for x in run.overpayments),
        reissues_total=_total(t.amount for t in run.transfers if t.origin_id is None),
        rows_total=_total(row.amount for row in rows),
        transfers_count=len(run.transfers),
        transfers_total=transfers_total,
        batches_count=batches_count,
        batches_total=batches_total,
        states=states,
    )
    problems: list[str] = state_problems
    if result.rows_total != transfers_total:
        problems.append(
            f"{label} : total des lignes {amount_in_figures(result.rows_total)}, total des "
            f"virements {amount_in_figures(transfers_total)}."
        )
    if (batches_count, batches_total) != (len(run.transfers), transfers_total):
        problems.append(
            f"{label} : les lots annoncent {batches_count} virements pour "
            f"{amount_in_figures(batches_total)}, la base en a {len(run.transfers)} pour "
            f"{amount_in_figures(transfers_total)}."
        )
    problems += _orphans(run) + _per_transfer(run, rows)
    return replace(result, problems=tuple(problems))


def row_dict(row: FinanceRow) -> dict[str, object]:
    """The row as the tabular writers take it (keys of ``RUN_COLUMNS``)."""
    transfer = row.transfer
    return {
        "run": row.run,
        "trainee_id": str(row.dossier.trainee_id),
        "trainee_name": row.dossier.trainee_name,
        "dossier_id": str(row.dossier.dossier_id),
        "programme": row.dossier.programme,
        "period": row.period,
        "nature": NATURE_LABELS[row.nature],
        "revision": row.revision,
        "amount": row.amount,
        "payment_status": PAYMENT_STATUS_LABELS.get(transfer.status, transfer.status)
        if transfer
        else _NO_TRANSFER,
        "end_to_end_id": transfer.end_to_end_id if transfer else None,
        "batch": transfer.batch_message_id if transfer else None,
        "execution_date": transfer.execution_date if transfer else None,
        "iban_masked": transfer.iban_masked if transfer else None,
    }
