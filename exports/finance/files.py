"""The finance exports, ready to write: per payment run, per month (detail and summary), and
the recovery orders; each checked, named with ids only, audited when handed out.

Used by the HTTP routes and the ``remu export`` commands alike, so both give the same bytes.
A run or month whose figures do not reconcile is refused (``ExportNotReconciled``) with every
difference named: a file that contradicts the bank files must not reach finance.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from exports.errors import ExportNotReconciled
from exports.finance.queries import load_recovery_orders, load_run, runs_of_period
from exports.finance.reconciliation import (
    RUN_COLUMNS,
    FinanceRow,
    Reconciliation,
    reconcile,
    row_dict,
    run_rows,
)
from exports.finance.summary import (
    RECOVERY_ORDER_COLUMNS,
    SUMMARY_COLUMNS,
    SummaryLine,
    recovery_order_dict,
    summarise,
    summary_dicts,
)
from exports.tabular import Column, TabularSummary, write_csv, write_xlsx
from remuneration.domain.errors import FieldProblem, NotFound
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext
from rules import Month, format_money

__all__ = [
    "ExportFile",
    "ExportFormat",
    "PeriodCheck",
    "payment_run_export",
    "period_check",
    "period_export",
    "period_summary_export",
    "record_download",
    "recovery_orders_export",
    "write_export",
]

_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self.value]


@dataclass(frozen=True, slots=True)
class ExportFile:
    """An export's content and how to name it; ``check`` for the exports that reconcile."""

    stem: str
    sheet_title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, object]]
    total_label: str | None
    check: Reconciliation | None
    audit: Mapping[str, str]

    def file_name(self, fmt: ExportFormat) -> str:
        return f"{self.stem}.{fmt.value}"


def _refuse_if_not_reconciled(check: Reconciliation, what: str) -> None:
    if check.ok:
        return
    raise ExportNotReconciled(
        f"{what} ne se rapproche pas au centime des lots de paiement : {check.problems[0]} "
        f"({len(check.problems)} écart(s)). Aucun fichier n'est produit.",
        problems=[FieldProblem("reconciliation", "mismatch", p) for p in check.problems[:50]],
    )


def payment_run_export(session: Session, run_id: uuid.UUID) -> ExportFile:
    """Every row of one run, with its total; refused if the run does not reconcile."""
    run = load_run(session, run_id)
    rows = run_rows(run)
    check = reconcile(run, rows)
    _refuse_if_not_reconciled(check, "La paie")
    return ExportFile(
        stem=f"paie-{run.run_id}",
        sheet_title="Paie",
        columns=RUN_COLUMNS,
        rows=[row_dict(row) for row in rows],
        total_label="Total",
        check=check,
        audit={"run_id": str(run.run_id)},
    )


@dataclass(frozen=True, slots=True)
class PeriodCheck:
    """A month's runs, rows and reconciliation, before any refusal (for the JSON report)."""

    runs: int
    rows: tuple[FinanceRow, ...]
    check: Reconciliation

    @property
    def summary(self) -> list[SummaryLine]:
        return summarise(self.rows)


def period_check(session: Session, month: Month) -> PeriodCheck:
    """Every run of the month, its rows and the reconciliation of each run, added up."""
    runs = runs_of_period(session, str(month))
    if not runs:
        raise NotFound(f"Aucune paie pour la période {month}.")
    rows: list[FinanceRow] = []
    check = Reconciliation()
    for run_id in runs:
        run = load_run(session, run_id)
        run_lines = run_rows(run)
        rows += run_lines
        check = check + reconcile(run, run_lines)
    return PeriodCheck(len(runs), tuple(rows), check)


def _period(session: Session, month: Month) -> tuple[Sequence[FinanceRow], Reconciliation]:
    found = period_check(session, month)
    _refuse_if_not_reconciled(found.check, f"La période {month}")
    return found.rows, found.check


def period_export(session: Session, month: Month) -> ExportFile:
    """The rows of every run of a month (its monthly run and its advance runs)."""
    rows, check = _period(session, month)
    return ExportFile(
        stem=f"paies-{month}",
        sheet_title=f"Paies {month}",
        columns=RUN_COLUMNS,
        rows=[row_dict(row) for row in rows],
        total_label="Total",
        check=check,
        audit={"period": str(month)},
    )


def period_summary_export(session: Session, month: Month) -> ExportFile:
    """The month by programme and by nature, then the reconciliation with the batches."""
    rows, check = _period(session, month)
    return ExportFile(
        stem=f"synthese-{month}",
        sheet_title=f"Synthèse {month}",
        columns=SUMMARY_COLUMNS,
        rows=summary_dicts(summarise(rows), check),
        total_label=None,
        check=check,
        audit={"period": str(month)},
    )


def recovery_orders_export(session: Session, *, status: str | None, today: date) -> ExportFile:
    """The recovery orders (ordres de reversement), with their total."""
    orders = load_recovery_orders(session, status=status)
    return ExportFile(
        stem=f"ordres-de-reversement-{today.isoformat()}",
        sheet_title="Ordres de reversement",
        columns=RECOVERY_ORDER_COLUMNS,
        rows=[recovery_order_dict(order) for order in orders],
        total_label="Total",
        check=None,
        audit={"status": status or "all"},
    )


def write_export(export: ExportFile, fmt: ExportFormat, out: IO[bytes] | Path) -> TabularSummary:
    """Write the export as CSV (French Excel profile) or XLSX (streaming)."""
    if fmt is ExportFormat.XLSX:
        return write_xlsx(
            export.columns,
            export.rows,
            out,
            sheet_title=export.sheet_title,
            total_label=export.total_label,
        )
    if isinstance(out, Path):
        with out.open("wb") as handle:
            return write_csv(export.columns, export.rows, handle, total_label=export.total_label)
    return write_csv(export.columns, export.rows, out, total_label=export.total_label)


def record_download(ctx: ServiceContext, export: ExportFile, fmt: ExportFormat) -> None:
    """Audit who took which finance file (no personal data in the event)."""
    after: dict[str, object] = {**export.audit, "format": fmt.value, "rows": len(export.rows)}
    if export.check is not None:
        after["transfers_total"] = format_money(export.check.transfers_total)
        after["reconciled"] = export.check.ok
    record_event(
        ctx,
        action="export.downloaded",
        entity_type="export",
        entity_id=export.stem,
        after=after,
    )
