"""The counters of the home page and of the tabs: one query each, read in the page's session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.http.console.dossier_queries import DOSSIER_TABS, DossierFilters, tab_counts
from api.http.console.queue_labels import QUEUE_TABS
from payments.models import Overpayment, PaymentBatch
from payments.vocabulary import BatchStatus, OverpaymentStatus
from remuneration.cases.services import CaseContext, CaseQuery, count_cases
from remuneration.services.context import ServiceContext

__all__ = [
    "Counter",
    "dossier_counters",
    "finance_counters",
    "queue_counters",
    "queue_tab_counts",
]


@dataclass(frozen=True, slots=True)
class Counter:
    """One figure with its label and the page that lists what it counts."""

    label: str
    count: int
    href: str


def dossier_counters(session: Session, today: date) -> list[Counter]:
    """Dossiers per tab of the instructors' list."""
    counts = tab_counts(session, DossierFilters(), today)
    return [
        Counter(label, counts[tab], f"/dossiers?onglet={tab}")
        for tab, label in DOSSIER_TABS.items()
        if tab != "tous"
    ]


def queue_counters(ctx: ServiceContext) -> list[Counter]:
    """Cases per tab of the queue, as the queue's own filters count them."""
    counts = queue_tab_counts(CaseContext.of(ctx))
    return [
        Counter(tab.label, count, f"/file?vue={tab.key}")
        for tab, count in zip(QUEUE_TABS, counts, strict=True)
    ]


def queue_tab_counts(cctx: CaseContext) -> list[int]:
    """Cases per tab of the queue (in the order of ``QUEUE_TABS``), in one grouped query."""
    return count_cases(cctx, [CaseQuery(view=t.view, category=t.category) for t in QUEUE_TABS])


def finance_counters(session: Session) -> list[Counter]:
    """Batches waiting for release, batches released, open overpayments."""
    rows = session.execute(select(PaymentBatch.status, func.count()).group_by(PaymentBatch.status))
    batches: dict[str, int] = {status: count for status, count in rows}
    open_overpayments = session.scalar(
        select(func.count())
        .select_from(Overpayment)
        .where(Overpayment.status == OverpaymentStatus.OPEN.value)
    )
    return [
        Counter(
            "Lots à libérer",
            batches.get(BatchStatus.PREPARED.value, 0),
            "/finance/lots?statut=prepared",
        ),
        Counter(
            "Lots libérés",
            batches.get(BatchStatus.RELEASED.value, 0),
            "/finance/lots?statut=released",
        ),
        Counter("Indus ouverts", open_overpayments or 0, "/finance/indus"),
    ]
