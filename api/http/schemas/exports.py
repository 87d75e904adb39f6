"""Parameters and responses of letters and finance exports.

Letters and files are binary answers (PDF, CSV, XLSX); the only JSON answer is the
reconciliation report of a month, which states the check every finance file carries.
"""

from __future__ import annotations

from enum import StrEnum

from api.http.schemas.common import ResponseModel

__all__ = [
    "DossierLetterKind",
    "ReconciliationView",
    "StateLineView",
    "SummaryLineView",
]


class DossierLetterKind(StrEnum):
    """The letters fetched from a dossier: its latest decision, its overpayment notice."""

    DECISION = "decision"
    OVERPAYMENT = "overpayment"


class SummaryLineView(ResponseModel):
    programme: str
    nature: str
    label: str
    count: int
    amount: str


class StateLineView(ResponseModel):
    """Where euros of the month are: paid, held, rejected, returned, re-issued, offset,
    overpayments."""

    state: str
    label: str
    count: int
    amount: str


class ReconciliationView(ResponseModel):
    """A month's runs checked against their batches: lines − offsets + carried overpayments +
    re-issues = transfers = control sums, to the cent (amounts as strings, two decimals)."""

    period: str
    runs: int
    reconciled: bool
    lines_total: str
    offsets_total: str
    carried_total: str
    reissues_total: str
    rows_total: str
    transfers_count: int
    transfers_total: str
    batches_count: int
    batches_total: str
    problems: list[str]
    summary: list[SummaryLineView]
    states: list[StateLineView]
