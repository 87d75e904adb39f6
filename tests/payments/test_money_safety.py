"""Money safety end to end, on a real database (SQLite, or PostgreSQL with
REMU_TEST_DATABASE_URL): the advance is for the start, calm runs, four eyes that are four,
file-level and technical rejects followed by a corrected batch that pays everyone once, bank
returns that finance sees, a closed dossier whose RIB can still be corrected."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from exports.finance.files import period_check, period_summary_export
from payments import (
    RunKind,
    RunRequest,
    approve_batch,
    downloadable_batch,
    import_bank_file,
    list_batches,
    list_runs,
    prepare_corrected_batch,
    release_batch,
    start_run,
)
from payments.errors import (
    BatchFileUnavailable,
    BatchNotReleasable,
    FourEyesViolation,
    RunConflict,
    RunRefused,
)
from payments.jobs import finance_actor
from payments.models import (
    BankDetailsBlock,
    Overpayment,
    Payment,
    PaymentBatch,
    PaymentLine,
    PaymentRun,
)
from payments.outstanding import money_owed
from remuneration.db.models import CaseRequest, Dossier
from remuneration.db.session import make_session_factory
from remuneration.domain.errors import IllegalTransition
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services import dossiers
from remuneration.services.context import ServiceContext
from remuneration.services.documents import DocumentRequest, put_document
from remuneration.services.inputs import RibInput
from rules.french import fr_money
from rules.periods import Month
from tests.payments.bankfiles import camt054, pain002, pain002_group
from tests.payments.runworld import (
    FULL_MONTH,
    PAYER,
    World,
    all_rows,
    at,
    granted_dossier,
    record_exit,
)

MONTHS = {"2024-03": FULL_MONTH, "2024-04": FULL_MONTH}


def run(world: World, kind: RunKind, period: str, execution: date, who: str = "finance") -> Any:
    with world.unit(who) as ctx:
        return start_run(ctx, RunRequest(kind, period, execution), payer=PAYER)


def release(world: World, batch_id: Any, who: str = "finance-2") -> PaymentBatch:
    with world.unit(who) as ctx:
        batch = ctx.session.get_one(PaymentBatch, batch_id)
        count, total = batch.number_of_transactions, batch.control_sum
        released = release_batch(ctx, batch_id, number_of_transactions=count, control_sum=total)
        ctx.session.expunge(released)
        return released


def import_file(world: World, content: bytes, who: str = "finance") -> Any:
    with world.unit(who) as ctx:
        outcome = import_bank_file(ctx, content, file_name="banque.xml")
        ctx.session.expunge(outcome.bank_file)
        return outcome.bank_file


def batch_of(world: World, run_id: Any) -> PaymentBatch:
    with world.session() as session:
        batches = session.scalars(select(PaymentBatch).where(PaymentBatch.run_id == run_id)).all()
        assert len(batches) == 1
        return batches[0]


def check_period(world: World) -> Any:
    with world.session() as session:
        return period_check(session, Month(2024, 4))


def summary_export(world: World) -> Any:
    with world.session() as session:
        return period_summary_export(session, Month(2024, 4))


def case_categories(world: World) -> Counter[str]:
    return Counter(request.category for request in all_rows(world, CaseRequest))


# --- 1. The advance is for the start ------------------------------------------------------


def test_the_advance_run_pays_the_advance_of_a_running_training(world: World) -> None:
    info = granted_dossier(world, start=date(2024, 4, 15), end=date(2024, 9, 27))
    outcome = run(world, RunKind.ADVANCE, "2024-05-06", date(2024, 5, 7))
    assert outcome.created and outcome.run.payments_count == 1
    assert outcome.run.total_amount == Decimal("200.00")
    kinds = [line.kind for line in all_rows(world, PaymentLine)]
    assert kinds == ["advance"]
    assert all_rows(world, Payment)[0].dossier_id == info["dossier_id"]


def _exit(world: World) -> None:
    info = granted_dossier(world, start=date(2024, 4, 15), end=date(2024, 9, 27))
    record_exit(world, info, date(2024, 4, 30), "legitimate")


def _ended(world: World) -> None:
    granted_dossier(world, start=date(2024, 1, 8), end=date(2024, 5, 3))


def _not_started(world: World) -> None:
    granted_dossier(world, start=date(2024, 5, 13), end=date(2024, 9, 27))


def _monthly_paid(world: World) -> None:
    """A monthly payment exists for the dossier while its advance was never paid (a dossier
    taken over from the previous system, its advance paid there)."""
    info = granted_dossier(world, start=date(2024, 3, 11), months={"2024-03": FULL_MONTH})
    run(world, RunKind.MONTHLY, "2024-03", date(2024, 5, 7))
    with world.unit() as ctx:
        ctx.session.execute(
            delete(PaymentLine).where(
                PaymentLine.dossier_id == info["dossier_id"], PaymentLine.kind == "advance"
            )
        )


@pytest.mark.parametrize(
    "condition", [_exit, _ended, _not_started, _monthly_paid], ids=lambda f: f.__name__
)
def test_no_advance_once_it_is_no_longer_an_advance(world: World, condition: Any) -> None:
    condition(world)
    runs_before = len(all_rows(world, PaymentRun))
    outcome = run(world, RunKind.ADVANCE, "2024-05-06", date(2024, 5, 7))
    assert outcome.nothing_to_pay and outcome.run is None and not outcome.created
    assert len(all_rows(world, PaymentRun)) == runs_before  # no run recorded
    assert not [line for line in all_rows(world, PaymentLine) if line.kind == "advance"]


def test_an_advance_left_to_the_monthly_run_is_netted_without_any_recovery_order(
    world: World,
) -> None:
    """Finished before ever being paid: the remuneration is paid, no advance to recover."""
    info = granted_dossier(world, start=date(2024, 3, 11), end=date(2024, 4, 26), months=MONTHS)
    assert run(world, RunKind.ADVANCE, "2024-05-06", date(2024, 5, 7)).nothing_to_pay
    monthly = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 7))
    assert monthly.run.payments_count == 1 and monthly.run.overpayments_count == 0
    kinds = {(line.period, line.kind) for line in all_rows(world, PaymentLine)}
    assert {("2024-03", "advance"), ("2024-03", "advance_recovery")} <= kinds
    assert all_rows(world, Overpayment) == []
    [payment] = all_rows(world, Payment)
    assert payment.dossier_id == info["dossier_id"] and payment.amount > 0


# --- 7. Calm runs ---------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2024-05-08", "2024-05-11", "2024-05-01"])
def test_no_advance_run_on_a_day_that_is_not_a_payment_business_day(world: World, day: str) -> None:
    """8 May (Victoire 1945, TARGET2 open), a Saturday, 1 May (both closed)."""
    world.clock.now = at(date(2024, 5, 13))
    granted_dossier(world, start=date(2024, 4, 15), end=date(2024, 9, 27))
    with pytest.raises(RunRefused) as refused:
        run(world, RunKind.ADVANCE, day, date(2024, 5, 14))
    assert refused.value.field == "period" and "jour ouvré" in str(refused.value)
    assert all_rows(world, PaymentRun) == []


def test_running_again_with_another_execution_date_says_what_differs(world: World) -> None:
    granted_dossier(world, months=MONTHS)
    first = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 7))
    same = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 7))
    assert same.run.id == first.run.id and not same.created
    with pytest.raises(RunConflict) as conflict:
        run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 9))
    message = str(conflict.value)
    assert "07/05/2024" in message and "09/05/2024" in message
    assert "« Paie mensuelle 2024-04 »" in message and "monthly" not in message
    assert conflict.value.field == "execution_date"
    assert len(all_rows(world, PaymentRun)) == 1


# --- 5. Four eyes mean four eyes ------------------------------------------------------------


def _system_run(world: World) -> Any:
    granted_dossier(world, months=MONTHS)
    with make_session_factory(world.engine).begin() as session:
        ctx = ServiceContext(
            session=session,
            actor=finance_actor(session, None, now=world.clock.now),
            now=world.clock.now,
            protector=world.protector,
        )
        outcome = start_run(
            ctx, RunRequest(RunKind.MONTHLY, "2024-04", date(2024, 5, 7)), payer=PAYER
        )
        assert outcome.run is not None
        return outcome.run.id


def _approve(world: World, batch_id: Any, who: str) -> PaymentBatch:
    with world.unit(who) as ctx:
        batch = ctx.session.get_one(PaymentBatch, batch_id)
        count, total = batch.number_of_transactions, batch.control_sum
        approved = approve_batch(ctx, batch_id, number_of_transactions=count, control_sum=total)
        ctx.session.expunge(approved)
        return approved


def test_a_batch_the_system_prepared_needs_two_different_persons(world: World) -> None:
    batch = batch_of(world, _system_run(world))
    with pytest.raises(BatchNotReleasable, match="approuver"):
        release(world, batch.id, "finance")
    approved = _approve(world, batch.id, "finance")
    assert approved.approved_by == world.users["finance"].id
    with pytest.raises(BatchNotReleasable, match="déjà été approuvé"):
        _approve(world, batch.id, "finance-2")
    with pytest.raises(FourEyesViolation, match="approuvé"):
        release(world, batch.id, "finance")
    released = release(world, batch.id, "finance-2")
    assert released.status == "released" and released.released_by == world.users["finance-2"].id


def test_the_database_refuses_an_approver_who_releases(world: World) -> None:
    batch = batch_of(world, _system_run(world))
    me = world.users["finance"].id
    with pytest.raises(IntegrityError), world.unit() as ctx:
        ctx.session.execute(
            update(PaymentBatch)
            .where(PaymentBatch.id == batch.id)
            .values(approved_by=me, released_by=me, status="released")
        )


def test_a_batch_a_person_prepared_has_no_approval(world: World) -> None:
    granted_dossier(world, months=MONTHS)
    batch = batch_of(world, run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 7)).run.id)
    with pytest.raises(BatchNotReleasable, match="préparé par une personne"):
        _approve(world, batch.id, "finance-2")
    with pytest.raises(FourEyesViolation):
        release(world, batch.id, "finance")


def test_no_file_before_release_nor_after_cancellation(world: World) -> None:
    granted_dossier(world, months=MONTHS)
    batch = batch_of(world, run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 7)).run.id)
    with pytest.raises(BatchFileUnavailable, match="non libéré"), world.unit() as ctx:
        downloadable_batch(ctx, batch.id, to="test")
    release(world, batch.id)
    with world.unit() as ctx:
        assert downloadable_batch(ctx, batch.id, to="test").status == "released"
    with world.session() as session:
        session.execute(
            update(PaymentBatch).where(PaymentBatch.id == batch.id).values(status="cancelled")
        )
        session.commit()
    with pytest.raises(BatchFileUnavailable, match="annulé"), world.unit() as ctx:
        downloadable_batch(ctx, batch.id, to="test")


def test_finance_lists_runs_and_batches_with_who_did_what(world: World) -> None:
    batch = batch_of(world, _system_run(world))
    _approve(world, batch.id, "finance")
    release(world, batch.id, "finance-2")
    with world.session() as session:
        runs = list_runs(session).items
        batches = list_batches(session, status="released").items
        assert [r.period for r in runs] == ["2024-04"]
        assert [b.id for b in batches] == [batch.id]
        assert batches[0].approved_by == world.users["finance"].id
        assert list_batches(session, status="prepared").total == 0


# --- 4. File-level and technical rejects ----------------------------------------------------


def _paid_and_released(world: World, count: int = 3) -> tuple[list[dict[str, Any]], Any]:
    infos = [granted_dossier(world, months=MONTHS, last_name=f"Nom{i}") for i in range(count)]
    outcome = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 7))
    batch = batch_of(world, outcome.run.id)
    release(world, batch.id)
    return infos, batch


def _live_payments_per_trainee(world: World) -> Counter[Any]:
    return Counter(
        payment.trainee_id
        for payment in all_rows(world, Payment)
        if payment.status not in ("cancelled",)
    )


@pytest.mark.parametrize("version", ["03", "10"])
def test_a_file_level_reject_then_a_corrected_batch_pays_every_trainee_once(
    world: World, version: str
) -> None:
    infos, batch = _paid_and_released(world)
    before = {p.id: (p.trainee_id, p.amount) for p in all_rows(world, Payment)}
    rejects = [(p.end_to_end_id, p.amount, "FF01") for p in all_rows(world, Payment)]
    rejected = pain002_group(
        "BANK-RJCT-1", batch.message_id, group_status="RJCT", code="FF01", rejects=rejects,
        version=version,
    )  # fmt: skip
    bank_file = import_file(world, rejected)
    assert bank_file.message_name == f"pain.002.001.{version}"

    payments = all_rows(world, Payment)
    assert {p.status for p in payments} == {"to_pay"}
    assert {p.id: (p.trainee_id, p.amount) for p in payments} == before  # unchanged
    assert all_rows(world, BankDetailsBlock) == []
    assert case_categories(world) == Counter({"bank_file": 1})  # one case, for finance
    with world.session() as session:
        assert session.get_one(PaymentBatch, batch.id).status == "rejected_by_bank"
    assert check_period(world).check.ok  # held, still reconciled

    with world.unit() as ctx:
        corrected = prepare_corrected_batch(
            ctx, batch.id, execution_date=date(2024, 5, 9), payer=PAYER,
            countries=("FR",), alert_days=30,
        )  # fmt: skip
        corrected_id, corrected_msg = corrected.id, corrected.message_id
    assert corrected_msg != batch.message_id
    new = [p for p in all_rows(world, Payment) if p.batch_id == corrected_id]
    old_ids = {p.end_to_end_id for (p,) in [(x,) for x in payments]}
    assert len(new) == 3 and not {p.end_to_end_id for p in new} & old_ids
    assert {p.reissue_of for p in new} == set(before)
    with pytest.raises(FourEyesViolation):
        release(world, corrected_id, "finance")
    release(world, corrected_id, "finance-2")
    accepted = pain002_group("BANK-ACSC-2", corrected_msg, group_status="ACSC", version=version)
    assert import_file(world, accepted).returns_count == 0
    assert import_file(world, rejected).id == bank_file.id  # the old file again: nothing

    per_trainee = _live_payments_per_trainee(world)
    assert per_trainee == Counter({info["trainee_id"]: 1 for info in infos})
    live = [p for p in all_rows(world, Payment) if p.status != "cancelled"]
    assert {p.status for p in live} == {"released"}
    assert sorted(p.amount for p in live) == sorted(a for _, a in before.values())
    found = check_period(world)
    assert found.check.ok, found.check.problems
    assert found.check.states.amount("paid") == sum((a for _, a in before.values()), Decimal(0))
    assert found.check.states.amount("held") == 0


def test_a_block_reject_of_the_10_version_rejects_the_batch(world: World) -> None:
    _, batch = _paid_and_released(world, count=2)
    content = pain002_group(
        "BANK-PMTINF-1", batch.message_id, group_status="PART", block_status="RJCT",
        code="DU02", version="10",
    )  # fmt: skip
    import_file(world, content)
    assert {p.status for p in all_rows(world, Payment)} == {"to_pay"}
    assert all_rows(world, BankDetailsBlock) == []
    assert case_categories(world) == Counter({"bank_file": 1})


def test_a_technical_reject_of_one_transfer_blames_the_file_not_the_trainee(
    world: World,
) -> None:
    _, batch = _paid_and_released(world, count=2)
    first, second = sorted(all_rows(world, Payment), key=lambda p: p.end_to_end_id)
    technical = [(first.end_to_end_id, first.amount, "DU05")]
    import_file(world, pain002("BANK-TX-1", batch.message_id, technical))
    statuses = {p.id: p.status for p in all_rows(world, Payment)}
    assert statuses == {first.id: "to_pay", second.id: "released"}
    assert all_rows(world, BankDetailsBlock) == []
    assert case_categories(world) == Counter({"bank_file": 1})
    with world.session() as session:
        assert session.get_one(PaymentBatch, batch.id).status == "released"
    with world.unit() as ctx:
        corrected = prepare_corrected_batch(
            ctx, batch.id, execution_date=date(2024, 5, 9), payer=PAYER,
            countries=("FR",), alert_days=30,
        )  # fmt: skip
        assert corrected.number_of_transactions == 1 and corrected.control_sum == first.amount
        corrected_id = corrected.id
    release(world, corrected_id)
    assert set(_live_payments_per_trainee(world).values()) == {1}
    found = check_period(world)
    assert found.check.ok, found.check.problems
    assert found.check.batches_total == first.amount + second.amount


def test_a_trainee_reject_still_blocks_the_bank_details(world: World) -> None:
    _, batch = _paid_and_released(world, count=1)
    [payment] = all_rows(world, Payment)
    import_file(world, pain002("BANK-TX-2", batch.message_id,
                               [(payment.end_to_end_id, payment.amount, "AC04")]))  # fmt: skip
    assert [p.status for p in all_rows(world, Payment)] == ["rejected"]
    assert len(all_rows(world, BankDetailsBlock)) == 1
    assert case_categories(world) == Counter({"payment_returned": 1})


# --- 6. Returns accounted for ---------------------------------------------------------------


def test_unmatched_and_amount_mismatched_returns_open_a_case_for_finance(world: World) -> None:
    _, _batch = _paid_and_released(world, count=1)
    [payment] = all_rows(world, Payment)
    content = camt054(
        "BANK-NTF-9",
        [(payment.end_to_end_id, payment.amount + Decimal("1.00"), "AC04"),
         ("RMUNKNOWN000000000000000000000001", Decimal("12.00"), "AC04")],
    )  # fmt: skip
    bank_file = import_file(world, content)
    assert bank_file.matched_count == 0
    assert [p.status for p in all_rows(world, Payment)] == ["released"]
    requests = [r for r in all_rows(world, CaseRequest) if r.category == "bank_file"]
    assert len(requests) == 2
    summaries = " ".join(r.summary for r in requests)
    assert "aucun virement" in summaries and f"était de {fr_money(payment.amount)}" in summaries


def test_returned_and_reissued_euros_appear_in_the_period_summary(world: World) -> None:
    _, _batch = _paid_and_released(world, count=2)
    first, second = sorted(all_rows(world, Payment), key=lambda p: p.end_to_end_id)
    import_file(world, camt054("BANK-NTF-1", [(first.end_to_end_id, first.amount, "AC04")]))
    found = check_period(world)
    assert found.check.ok, found.check.problems
    states = found.check.states
    assert states.amount("returned") == first.amount and states.count("returned") == 1
    assert states.amount("paid") == second.amount
    assert states.transfers_total() == found.check.batches_total
    export = summary_export(world)
    labels = {row["nature"]: row["amount"] for row in export.rows if row["section"] == "États"}
    assert labels["Retourné par la banque (camt.054), à réémettre"] == first.amount
    assert labels["Payé (virement libéré, non refusé)"] == second.amount


# --- 3. Bank details can always be corrected while money is owed ----------------------------


def _close(world: World, info: dict[str, Any]) -> None:
    with world.unit("supervisor") as ctx:
        dossiers.close_dossier(ctx, ctx.session.get_one(Dossier, info["dossier_id"]))


def _replace_rib(world: World, info: dict[str, Any], *, owed: bool) -> Any:
    with world.unit("supervisor") as ctx:
        dossier = ctx.session.get_one(Dossier, info["dossier_id"])
        rib = RibInput(
            iban="FR7610107001011234567890129", bic="CCBPFRPP", holder="MME NOM",
            change_reason="compte clôturé par la banque",
        )  # fmt: skip
        return put_document(
            ctx, dossier, DocumentRequest(kind=DocumentKind.RIB, verified=True, rib=rib),
            store=world.store, max_bytes=1_000_000, money_owed=owed,
        )  # fmt: skip


def test_a_closed_dossier_with_a_returned_transfer_takes_a_new_rib(world: World) -> None:
    infos, _batch = _paid_and_released(world, count=1)
    [info] = infos
    [payment] = all_rows(world, Payment)
    import_file(world, camt054("BANK-NTF-2", [(payment.end_to_end_id, payment.amount, "AC04")]))
    _close(world, info)
    with world.session() as session:
        assert money_owed(session, info["dossier_id"])
    with pytest.raises(IllegalTransition, match="clos"):
        _replace_rib(world, info, owed=False)
    world.clock.now = at(date(2024, 5, 7))
    document = _replace_rib(world, info, owed=True)
    assert document.verification_status == "verified" and document.iban_changed_at is not None
    world.clock.now = at(date(2024, 5, 13))
    reissue = run(world, RunKind.ADVANCE, "2024-05-13", date(2024, 5, 14))
    assert reissue.run.reissues_count == 1
    new = [p for p in all_rows(world, Payment) if p.reissue_of == payment.id]
    assert len(new) == 1 and new[0].iban_recently_changed


def test_nothing_owed_on_a_dossier_fully_paid(world: World) -> None:
    info = granted_dossier(world, start=date(2024, 3, 11), end=date(2024, 4, 26), months=MONTHS)
    with world.session() as session:
        assert money_owed(session, info["dossier_id"])  # April not paid yet
    release(world, batch_of(world, run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 7))
                            .run.id).id)  # fmt: skip
    with world.session() as session:
        assert not money_owed(session, info["dossier_id"])
