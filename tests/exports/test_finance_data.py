"""Finance exports on real runs (SQLite, or PostgreSQL with REMU_TEST_DATABASE_URL): the rows
add up to the transfers, to the batches' control sums and to the engine's own lines, through
offsets, carried overpayments, cancelled batches and re-issues; a tampered figure is refused."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from exports.errors import ExportNotReconciled
from exports.finance.files import (
    ExportFormat,
    payment_run_export,
    period_check,
    period_summary_export,
    recovery_orders_export,
    write_export,
)
from exports.finance.queries import load_run
from exports.finance.reconciliation import reconcile, run_rows
from payments import waive_overpayment
from payments.models import Payment, PaymentBatch
from rules.periods import Month
from tests.exports.moneyworld import (
    abandoned_with_recovery_order,
    cancel_run_batch,
    engine_total,
    money_world,
    paid_month,
    regularised_then_offset,
    returned_and_reissued,
)
from tests.payments.runworld import World

__all__ = ["money_world"]  # the fixture, imported for pytest


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_a_monthly_run_reconciles_with_its_batch_and_the_engine(money_world: World) -> None:
    world = money_world
    paid = paid_month(world)
    with world.session() as session:
        export = payment_run_export(session, paid["run"].id)
        batch = session.scalars(select(PaymentBatch)).one()
    engine = engine_total(world, paid["first"]["dossier_id"], "2024-04") + engine_total(
        world, paid["second"]["dossier_id"], "2024-04"
    )
    check = export.check
    assert check is not None and check.ok
    assert check.rows_total == check.transfers_total == batch.control_sum == engine
    assert check.batches_count == batch.number_of_transactions == 2

    out = io.BytesIO()
    summary = write_export(export, ExportFormat.CSV, out)
    rows = _csv_rows(out.getvalue())
    body, total = rows[:-1], rows[-1]
    assert summary.totals["amount"] == engine == _amount(total["Montant (€)"])
    assert sum((_amount(r["Montant (€)"]) for r in body), Decimal(0)) == engine
    assert {r["Lot (MsgId)"] for r in body} == {batch.message_id}
    assert {r["Nature"] for r in body} >= {"Rémunération", "Avance", "Aide à l'équipement"}
    assert any(r["Stagiaire"].startswith("'=Nguyễn+Çelik") for r in body)
    for dossier in (paid["first"], paid["second"]):
        assert dossier["iban"] not in out.getvalue().decode("utf-8-sig")


def test_offsets_and_carried_overpayments_reconcile_month_after_month(money_world: World) -> None:
    world = money_world
    story = regularised_then_offset(world)
    with world.session() as session:
        checks = {
            name: reconcile(load_run(session, story[name].id)) for name in ("april", "may", "june")
        }
        june = payment_run_export(session, story["june"].id)
        summary = period_summary_export(session, Month(2024, 6))
    assert all(check.ok for check in checks.values()), checks
    may, june_check = checks["may"], checks["june"]
    assert may.transfers_count == 0 and may.carried_total > 0
    assert may.lines_total == -may.carried_total
    assert june_check.offsets_total == may.carried_total
    assert june_check.transfers_total == june_check.lines_total - june_check.offsets_total
    natures = {row["nature"] for row in june.rows}
    assert "Retenue pour trop-perçu" in natures
    out = io.BytesIO()
    write_export(summary, ExportFormat.CSV, out)
    text = out.getvalue().decode("utf-8-sig")
    assert "Rapprochement : conforme" in text
    assert f"Retenues pour trop-perçu;;{_fr(-may.carried_total)}\r\n" in text


def _fr(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def test_a_cancelled_batch_and_its_replacement_still_reconcile(money_world: World) -> None:
    world = money_world
    paid = paid_month(world)
    replacement = cancel_run_batch(world, paid["run"].id)
    with world.session() as session:
        export = payment_run_export(session, paid["run"].id)
        live = set(
            session.scalars(select(Payment.end_to_end_id).where(Payment.batch_id == replacement.id))
        )
    assert export.check is not None and export.check.ok
    assert export.check.batches_total == replacement.control_sum
    assert {row["end_to_end_id"] for row in export.rows if row["end_to_end_id"]} == live
    assert {row["batch"] for row in export.rows if row["batch"]} == {replacement.message_id}


def test_a_reissue_is_a_row_of_the_run_that_sends_it(money_world: World) -> None:
    world = money_world
    story = returned_and_reissued(world)
    with world.session() as session:
        april = payment_run_export(session, story["april"].id)
        advance = load_run(session, story["advance"].id)
        returned = session.get_one(Payment, story["returned_id"])
    check = reconcile(advance)
    assert check.ok and check.reissues_total == returned.amount == check.batches_total
    [row] = run_rows(advance)
    assert (row.nature, row.amount, row.transfer and row.transfer.status) == (
        "reissue",
        returned.amount,
        "prepared",
    )
    statuses = {row["payment_status"] for row in april.rows}
    assert statuses == {"Retourné par la banque"}


def test_recovery_orders_are_listed_for_finance(money_world: World, tmp_path: Path) -> None:
    world = money_world
    story = abandoned_with_recovery_order(world)
    with world.session() as session:
        export = recovery_orders_export(session, status=None, today=world.clock.now.date())
        assert (
            recovery_orders_export(session, status="waived", today=world.clock.now.date()).rows
            == []
        )
    [order] = export.rows
    assert str(order["reference"]).startswith("OR-2024-05-")
    assert order["reason"] == "Sortie de formation le 10/05/2024 (abandon sans motif légitime)"
    assert order["amount"] == order["remaining"] and order["recovered"] == Decimal("0.00")
    assert order["status"] == "Ordre de reversement émis, à recouvrer"
    assert order["address"] == "12 rue de la République, 14200 Hérouville-Saint-Clair"
    with world.unit("supervisor") as ctx:
        waive_overpayment(ctx, story["overpayment_id"], reason="Situation très difficile.")
    with world.session() as session:
        [waived] = recovery_orders_export(
            session, status="waived", today=world.clock.now.date()
        ).rows
    assert waived["status"] == "Remise gracieuse accordée" and waived["remaining"] == Decimal(
        "0.00"
    )
    target = tmp_path / "ordres.xlsx"
    write_export(export, ExportFormat.XLSX, target)
    table = list(load_workbook(target)["Ordres de reversement"].iter_rows(values_only=True))
    assert table[0][0] == "Ordre de reversement" and table[1][0] == order["reference"]


def test_a_tampered_figure_refuses_the_export(money_world: World) -> None:
    world = money_world
    paid = paid_month(world)
    with world.unit() as ctx:
        ctx.session.execute(
            update(PaymentBatch).values(control_sum=PaymentBatch.control_sum + Decimal("0.01"))
        )
    with world.session() as session:
        with pytest.raises(ExportNotReconciled) as refused:
            payment_run_export(session, paid["run"].id)
        report = period_check(session, Month(2024, 4))
    assert "ne se rapproche pas au centime" in refused.value.message
    assert refused.value.problems and not report.check.ok
    assert any("les lots annoncent" in problem for problem in report.check.problems)
