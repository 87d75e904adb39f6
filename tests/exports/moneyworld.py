"""Real money for the letter and export tests: dossiers granted, paid, regularised, in overpayment,
claimed by a recovery order, cancelled and returned, all through the payment services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from payments import (
    RunKind,
    RunRequest,
    cancel_batch,
    import_bank_file,
    release_batch,
    start_run,
)
from payments.models import Overpayment, Payment, PaymentBatch, PaymentRun
from remuneration.db.models import Dossier
from remuneration.db.session import make_engine
from remuneration.services import decisions, dossiers
from remuneration.services.evaluation_input import build_request
from remuneration.services.inputs import AidRequestInput
from rules import evaluate
from tests.dbsupport import database_url_for, fresh_database
from tests.payments.bankfiles import camt054
from tests.payments.runworld import (
    FULL_MONTH,
    PAYER,
    World,
    add_statement,
    at,
    change_rib,
    entry,
    granted_dossier,
    make_world,
    record_exit,
)

__all__ = [
    "abandoned_with_recovery_order",
    "cancel_run_batch",
    "engine_total",
    "money_world",
    "paid_month",
    "regularised_then_offset",
    "returned_and_reissued",
    "run",
]


@pytest.fixture
def money_world(tmp_path: Path) -> Iterator[World]:
    """A fresh database for each test (runs are unique per kind and period)."""
    url = database_url_for(tmp_path)
    fresh_database(url)
    engine = make_engine(url)
    try:
        yield make_world(engine, tmp_path, datetime(2024, 5, 6, 8, tzinfo=UTC))
    finally:
        engine.dispose()


def run(world: World, kind: RunKind, period: str, execution: date) -> PaymentRun:
    with world.unit() as ctx:
        made = start_run(ctx, RunRequest(kind, period, execution), payer=PAYER).run
        assert made is not None
        return made


def engine_total(world: World, dossier_id: Any, last: str) -> Decimal:
    """The engine's own lines on the stored facts, up to the month ``last``."""
    with world.unit() as ctx:
        dossier = ctx.session.get_one(Dossier, dossier_id)
        result = evaluate(build_request(ctx, dossier, as_of=ctx.today), today=ctx.today)
    return sum((x.amount for x in result.lines if str(x.period) <= last), Decimal(0))


def paid_month(world: World) -> dict[str, Any]:
    """Two dossiers (one with an equipment aid) paid by the monthly run of April 2024."""
    first = granted_dossier(
        world,
        months={"2024-03": FULL_MONTH, "2024-04": entry("133", "7")},
        aids=[
            AidRequestInput(
                kind="equipment",
                request_date=date(2024, 4, 2),
                invoice_amount=Decimal("320.00"),
            )
        ],
    )
    second = granted_dossier(world, months={"2024-03": FULL_MONTH}, last_name="=Nguyễn+Çelik")
    april = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    return {"first": first, "second": second, "run": april}


def regularised_then_offset(world: World) -> dict[str, Any]:
    """April paid; the distance corrected; May (all hours unjustified) leaves an overpayment; June's
    payment offsets it."""
    info = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    april = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    world.clock.now = at(date(2024, 6, 3))
    with world.unit("supervisor") as ctx:
        dossier = ctx.session.get_one(Dossier, info["dossier_id"])
        dossiers.update_facts(ctx, dossier, {"distance_km": Decimal("12")})
        decisions.take_decision(ctx, dossier, as_of=date(2024, 6, 3))
    add_statement(world, info, "2024-05", entry("0", "140"))
    may = run(world, RunKind.MONTHLY, "2024-05", date(2024, 6, 5))
    with world.session() as session:
        overpayment = session.scalars(select(Overpayment)).one()
    add_statement(world, info, "2024-06", FULL_MONTH)
    world.clock.now = at(date(2024, 7, 2))
    june = run(world, RunKind.MONTHLY, "2024-06", date(2024, 7, 4))
    return {
        "info": info,
        "april": april,
        "may": may,
        "june": june,
        "overpayment_id": overpayment.id,
    }


def abandoned_with_recovery_order(world: World) -> dict[str, Any]:
    """Paid for March and April, then an abandonment in May: the overpayment becomes a recovery
    order at once (the training is over for the trainee)."""
    info = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    april = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    world.clock.now = at(date(2024, 6, 3))
    add_statement(world, info, "2024-05", entry("40", "100"))
    record_exit(world, info, date(2024, 5, 10), "abandonment")
    may = run(world, RunKind.MONTHLY, "2024-05", date(2024, 6, 5))
    with world.session() as session:
        overpayment = session.scalars(select(Overpayment)).one()
    return {"info": info, "april": april, "may": may, "overpayment_id": overpayment.id}


def cancel_run_batch(world: World, run_id: Any) -> PaymentBatch:
    """Cancel the run's batch: the same transfers go into a new batch (new EndToEndIds)."""
    with world.unit() as ctx:
        batch = ctx.session.scalars(select(PaymentBatch).where(PaymentBatch.run_id == run_id)).one()
        return cancel_batch(
            ctx,
            batch.id,
            reason="Date d'exécution à décaler",
            execution_date=None,
            payer=PAYER,
            countries=("FR",),
            alert_days=30,
        )


def returned_and_reissued(world: World) -> dict[str, Any]:
    """April paid, the transfer returned by the bank (AC04), a new RIB verified, and the next
    advance run re-issues it."""
    info = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    april = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    with world.session() as session:
        payment = session.scalars(select(Payment)).one()
        batch = session.scalars(select(PaymentBatch)).one()
    with world.unit("finance-2") as ctx:
        release_batch(
            ctx,
            batch.id,
            number_of_transactions=batch.number_of_transactions,
            control_sum=batch.control_sum,
        )
    world.clock.now = at(date(2024, 5, 13))
    camt = camt054("BANK-NTF-EXPORTS-1", [(payment.end_to_end_id, payment.amount, "AC04")])
    with world.unit() as ctx:
        import_bank_file(ctx, camt, file_name="retours.xml")
    world.clock.now = at(date(2024, 5, 14))
    change_rib(world, info)
    world.clock.now = at(date(2024, 5, 15))
    advance = run(world, RunKind.ADVANCE, "2024-05-15", date(2024, 5, 16))
    return {"info": info, "april": april, "advance": advance, "returned_id": payment.id}
