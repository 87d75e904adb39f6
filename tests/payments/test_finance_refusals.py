"""What finance is refused, and why, at the edges of a batch's and a bank file's life: approving
a batch nobody may approve, correcting a batch that has nothing to correct or with a date the
bank cannot execute, a bank answer about a transfer never sent, a waiver of an unknown
overpayment; and the reads finance filters its lists with."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, update

from payments.bank_returns import bank_file_content
from payments.batch_rejects import prepare_corrected_batch
from payments.batch_release import approve_batch
from payments.config import SYSTEM_ACCOUNT
from payments.errors import (
    BatchNotCorrectable,
    BatchNotReleasable,
    FourEyesViolation,
    RunRefused,
)
from payments.listing import list_batches, list_runs, user_names
from payments.models import BankDetailsBlock, BankReturnRecord, Payment, PaymentBatch
from payments.overpayments import waive_overpayment
from payments.queries import list_overpayments
from remuneration.db.models import CaseRequest
from remuneration.domain.errors import NotFound
from rules.french import fr_date
from tests.payments.bankfiles import camt054
from tests.payments.runworld import PAYER, World, all_rows, at
from tests.payments.test_bank_returns_scenarios import (
    group_reject,
    imported,
    payments_of,
    released_april,
)
from tests.payments.test_batch_release import prepared_batch


def _correct(world: World, batch: PaymentBatch, day: date) -> PaymentBatch:
    with world.unit() as ctx:
        return prepare_corrected_batch(
            ctx, batch.id, execution_date=day, payer=PAYER, countries=("FR",), alert_days=30
        )


def _approve(
    world: World, batch: PaymentBatch, who: str = "finance-2", *, system: bool = False
) -> PaymentBatch:
    with world.unit(who) as unit:
        ctx = replace(unit, actor=replace(unit.actor, name=SYSTEM_ACCOUNT)) if system else unit
        return approve_batch(
            ctx,
            batch.id,
            number_of_transactions=batch.number_of_transactions,
            control_sum=batch.control_sum,
        )


def test_a_batch_prepared_by_a_person_is_released_not_approved(world: World) -> None:
    batch = prepared_batch(world)
    with pytest.raises(BatchNotReleasable, match="préparé par une personne"):
        _approve(world, batch)


def test_the_system_account_never_approves_the_batch_it_prepared(world: World) -> None:
    """A batch without a preparer is the scheduler's: it needs a person's approval, and the
    system account itself is refused."""
    batch = prepared_batch(world)
    with world.unit() as ctx:
        ctx.session.execute(
            update(PaymentBatch).where(PaymentBatch.id == batch.id).values(prepared_by=None)
        )
    with pytest.raises(FourEyesViolation, match="compte système"):
        _approve(world, batch, system=True)
    approved = _approve(world, batch)
    assert approved.approved_by is not None and approved.status == "prepared"


def test_a_released_batch_is_not_approved_again(world: World) -> None:
    batch = released_april(world)
    with pytest.raises(BatchNotReleasable, match="déjà été libéré"):
        _approve(world, batch)


def test_a_batch_the_bank_refused_is_not_released_again_and_says_why(world: World) -> None:
    """Its payments wait for a corrected batch: the refusal says so, not « annulé »."""
    batch = released_april(world)
    imported(world, group_reject(batch.message_id, block=False))
    with pytest.raises(BatchNotReleasable, match="La banque a refusé le fichier") as refused:
        _approve(world, batch)
    assert "annulé" not in refused.value.message and "lot corrigé" in refused.value.message


def test_a_batch_with_nothing_to_pay_again_is_not_corrected(world: World) -> None:
    batch = released_april(world)
    with pytest.raises(BatchNotCorrectable, match="rien à corriger"):
        _correct(world, batch, date(2024, 5, 13))
    assert len(all_rows(world, PaymentBatch)) == 1


def test_a_corrected_batch_needs_a_day_the_bank_executes(world: World) -> None:
    batch = released_april(world)
    imported(world, group_reject(batch.message_id, block=False))
    for day in (date(2024, 5, 8), date(2024, 5, 11)):  # yesterday; a Saturday
        with pytest.raises(RunRefused) as refused:
            _correct(world, batch, day)
        assert refused.value.field == "execution_date"
        assert f"du {fr_date(day)} " in refused.value.message
    assert {p.status for p in payments_of(world)} == {"to_pay"}
    corrected = _correct(world, batch, date(2024, 5, 13))
    assert corrected.id != batch.id and corrected.number_of_transactions == 2


def test_an_answer_about_a_transfer_not_yet_sent_changes_nothing_and_asks_finance(
    world: World,
) -> None:
    """A return for a payment whose batch was never released: the bank cannot have refused it,
    so nothing is applied, nothing blocked, and finance gets a case about the line."""
    batch = prepared_batch(world)
    [payment] = [p for p in payments_of(world) if p.batch_id == batch.id]
    file = imported(
        world, camt054("BANK-NTF-EARLY", [(payment.end_to_end_id, payment.amount, "AC04")])
    )
    assert [p.status for p in payments_of(world)] == ["prepared"]
    assert [r.status for r in all_rows(world, BankReturnRecord)] == ["unmatched"]
    assert all_rows(world, BankDetailsBlock) == []
    with world.session() as session:
        [case] = session.scalars(
            select(CaseRequest).where(CaseRequest.category == "bank_file")
        ).all()
        assert case.payment_id == payment.id and "Aucun virement n'a été modifié" in case.summary
    with world.unit() as ctx:
        stored = ctx.session.get_one(type(file), file.id)
        assert bank_file_content(ctx, stored).startswith(b"<?xml")


def test_a_return_received_before_any_reason_table_blocks_the_account_carefully(
    world: World,
) -> None:
    """No reason-code table was in force: the reason is treated as unknown (account blocked,
    case opened), never as harmless."""
    released_april(world)
    first = payments_of(world)[0]
    world.clock.now = at(date(2024, 3, 1))
    imported(world, camt054("BANK-NTF-OLD", [(first.end_to_end_id, first.amount, "AM05")]))
    [block] = all_rows(world, BankDetailsBlock)
    assert block.payment_id == first.id


def test_a_reason_that_does_not_blame_the_account_leaves_it_usable(world: World) -> None:
    released_april(world)
    first = payments_of(world)[0]
    imported(world, camt054("BANK-NTF-RR04", [(first.end_to_end_id, first.amount, "RR04")]))
    assert {p.id: p.status for p in payments_of(world)}[first.id] == "returned"
    assert all_rows(world, BankDetailsBlock) == []


def test_waiving_an_unknown_overpayment_is_refused(world: World) -> None:
    with pytest.raises(NotFound, match="Trop-perçu introuvable"), world.unit("supervisor") as ctx:
        waive_overpayment(ctx, uuid.uuid4(), reason="Situation sociale")


def test_finance_lists_filter_by_kind_status_and_run(world: World) -> None:
    batch = released_april(world)
    with world.session() as session:
        assert list_runs(session, kind="advance").total == 0
        assert [r.id for r in list_runs(session, kind="monthly").items] == [batch.run_id]
        assert [b.id for b in list_batches(session, run_id=batch.run_id).items] == [batch.id]
        assert list_batches(session, run_id=uuid.uuid4()).total == 0
        assert list_overpayments(session, status="open").total == 0
        assert user_names(session, [None]) == {}
        people = [world.users["finance"], world.users["finance-2"]]
        names = user_names(session, [person.id for person in people] + [None])
        assert names == {person.id: person.name for person in people}
    assert {p.status for p in all_rows(world, Payment)} == {"released"}
