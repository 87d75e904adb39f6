"""The monthly summary by programme and by nature, with its reconciliation, and the recovery
orders (ordres de reversement) finance issues for overpayments that can no longer be offset.

The summary is a report, not a table to re-import: after the rows by programme and nature come
a total and the control rows (transfers, batch control sums, difference, verdict), so that the
file itself shows that it agrees with the batches sent to the bank. Pure, like ``reconciliation``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from exports.finance.reconciliation import NATURE_LABELS, FinanceRow, Reconciliation
from exports.finance.states import TRANSFER_STATES
from exports.tabular import Column, ColumnKind
from payments.vocabulary import OVERPAYMENT_STATUS_LABELS

__all__ = [
    "RECOVERY_ORDER_COLUMNS",
    "SUMMARY_COLUMNS",
    "RecoveryOrderData",
    "SummaryLine",
    "recovery_order_dict",
    "summarise",
    "summary_dicts",
]

_ZERO = Decimal("0.00")

SUMMARY_COLUMNS = (
    Column("section", "Rubrique"),
    Column("programme", "Programme"),
    Column("nature", "Nature"),
    Column("count", "Nombre", ColumnKind.INT),
    Column("amount", "Montant (€)", ColumnKind.MONEY),
)

RECOVERY_ORDER_COLUMNS = (
    Column("reference", "Ordre de reversement"),
    Column("debtor", "Débiteur"),
    Column("trainee_id", "Référence stagiaire"),
    Column("address", "Adresse du débiteur"),
    Column("dossier_id", "Dossier"),
    Column("programme", "Programme"),
    Column("training", "Formation"),
    Column("reason", "Motif"),
    Column("amount", "Trop-perçu initial (€)", ColumnKind.MONEY),
    Column("recovered", "Déjà compensé (€)", ColumnKind.MONEY),
    Column("remaining", "À recouvrer (€)", ColumnKind.MONEY),
    Column("debt_date", "Date du trop-perçu", ColumnKind.DATE),
    Column("order_date", "Date de l'ordre", ColumnKind.DATE),
    Column("status", "Statut"),
    Column("waiver_date", "Date de la remise gracieuse", ColumnKind.DATE),
)


@dataclass(frozen=True, slots=True)
class SummaryLine:
    programme: str
    nature: str
    count: int
    amount: Decimal


def summarise(rows: Iterable[FinanceRow]) -> list[SummaryLine]:
    """Count and sum the rows by programme, then by nature (in the order of ``NATURE_LABELS``)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    sums: dict[tuple[str, str], Decimal] = defaultdict(lambda: _ZERO)
    for row in rows:
        key = (row.dossier.programme, row.nature)
        counts[key] += 1
        sums[key] += row.amount
    order = {code: index for index, code in enumerate(NATURE_LABELS)}
    keys = sorted(counts, key=lambda k: (k[0], order[k[1]]))
    return [SummaryLine(k[0], k[1], counts[k], sums[k]) for k in keys]


def _control(label: str, amount: Decimal | None, count: int | None = None) -> dict[str, object]:
    return {"section": "Contrôle", "programme": None, "nature": label, "count": count,
            "amount": amount}  # fmt: skip


def summary_dicts(lines: Sequence[SummaryLine], check: Reconciliation) -> list[dict[str, object]]:
    """The summary's rows, its total, then the reconciliation with the batches."""
    rows: list[dict[str, object]] = [
        {
            "section": "Synthèse",
            "programme": line.programme,
            "nature": NATURE_LABELS[line.nature],
            "count": line.count,
            "amount": line.amount,
        }
        for line in lines
    ]
    rows.append(
        {
            "section": "Total",
            "programme": None,
            "nature": "Total des lignes",
            "count": sum(line.count for line in lines),
            "amount": sum((line.amount for line in lines), _ZERO),
        }
    )
    rows += [
        _control("Lignes du moteur (paiements et régularisations)", check.lines_total),
        _control("Retenues pour trop-perçu", -check.offsets_total),
        _control("Soldes négatifs reportés", check.carried_total),
        _control("Réémissions de virements refusés", check.reissues_total),
        _control("Virements (base de données)", check.transfers_total, check.transfers_count),
        _control("Sommes de contrôle des lots (CtrlSum)", check.batches_total, check.batches_count),
        _control("Écart lignes − lots", check.rows_total - check.batches_total),
        _control("Rapprochement : conforme" if check.ok else "Rapprochement : ÉCART", None),
    ]
    rows += [_control(f"Écart : {problem}", None) for problem in check.problems]
    rows += [
        {"section": "États", "programme": None, "nature": label, "count": count, "amount": amount}
        for _code, label, count, amount in check.states.lines()
    ]
    rows.append(
        _control(
            "Total des états des virements (= virements = lots)",
            check.states.transfers_total(),
            sum(check.states.count(state) for state in TRANSFER_STATES),
        )
    )
    return rows


@dataclass(frozen=True, slots=True)
class RecoveryOrderData:
    """One overpayment claimed by a recovery order, as finance issues the titre de recette."""

    overpayment_id: uuid.UUID
    reference: str
    trainee_id: uuid.UUID
    debtor: str
    address: str
    dossier_id: uuid.UUID
    programme: str
    training: str
    reason: str
    amount: Decimal
    remaining: Decimal
    status: str
    overpayment_date: date
    order_date: date
    waiver_date: date | None


def recovery_order_dict(order: RecoveryOrderData) -> dict[str, object]:
    """The row as the tabular writers take it (keys of ``RECOVERY_ORDER_COLUMNS``)."""
    return {
        "reference": order.reference,
        "debtor": order.debtor,
        "trainee_id": str(order.trainee_id),
        "address": order.address,
        "dossier_id": str(order.dossier_id),
        "programme": order.programme,
        "training": order.training,
        "reason": order.reason,
        "amount": order.amount,
        "recovered": order.amount - order.remaining,
        "remaining": _ZERO if order.status == "waived" else order.remaining,
        "debt_date": order.overpayment_date,
        "order_date": order.order_date,
        "status": OVERPAYMENT_STATUS_LABELS.get(order.status, order.status),
        "waiver_date": order.waiver_date,
    }
