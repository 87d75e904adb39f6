"""The bank answers a released file: whole-file and block rejects, reasons remu does not know,
files that are not bank status reports, and a report that does not match what was sent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from payments import RunKind, RunRequest, import_bank_file, release_batch, start_run
from payments.errors import BankFileRefused
from payments.models import BankDetailsBlock, BankReturnRecord, Payment, PaymentBatch
from payments.sepa.model import default_payment_information_id
from remuneration.db.models import CaseRequest
from tests.payments.bankfiles import camt054, pain002
from tests.payments.data.sepa_samples import DATA
from tests.payments.runworld import FULL_MONTH, PAYER, World, all_rows, at, granted_dossier


def released_april(world: World) -> PaymentBatch:
    """Two dossiers paid by the monthly run of April 2024, the batch released by a second
    person of finance."""
    granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    granted_dossier(world, months={"2024-03": FULL_MONTH}, last_name="Bernard")
    with world.unit() as ctx:
        start_run(ctx, RunRequest(RunKind.MONTHLY, "2024-04", date(2024, 5, 8)), payer=PAYER)
    [batch] = all_rows(world, PaymentBatch)
    assert isinstance(batch, PaymentBatch)
    with world.unit("finance-2") as ctx:
        release_batch(
            ctx,
            batch.id,
            number_of_transactions=batch.number_of_transactions,
            control_sum=batch.control_sum,
        )
    world.clock.now = at(date(2024, 5, 9))
    return batch


def group_reject(message_id: str, *, block: bool) -> bytes:
    """The bank's pain.002 refusing the whole file, or (``block``) its one payment block."""
    text = (DATA / "pain002_001_03_file_reject.xml").read_text(encoding="utf-8")
    text = text.replace("REMU-2025-04-0002-P001", default_payment_information_id(message_id, 1))
    text = text.replace("REMU-2025-04-0002", message_id)
    if block:
        text = text.replace("<GrpSts>RJCT</GrpSts>", "<GrpSts>PART</GrpSts>")
        start, end = text.index("<StsRsnInf>"), text.index("</StsRsnInf>") + len("</StsRsnInf>")
        text = text[:start] + text[end:]
    return text.encode("utf-8")


def payments_of(world: World) -> list[Payment]:
    return all_rows(world, Payment)


def imported(world: World, content: bytes) -> Any:
    with world.unit() as ctx:
        return import_bank_file(ctx, content, file_name="statut.xml").bank_file


@pytest.mark.parametrize("block", [False, True], ids=["whole file", "payment block"])
def test_a_rejected_file_rejects_the_batch_not_the_trainees(world: World, block: bool) -> None:
    """A group or payment-block RJCT is the file's fault (even with a trainee-like reason such as
    AM05): the batch is rejected by the bank, its payments go back to be paid unchanged, no bank
    details are blocked and one case is opened for finance."""
    batch = released_april(world)
    amounts = {p.id: p.amount for p in payments_of(world)}
    imported(world, group_reject(batch.message_id, block=block))

    payments = payments_of(world)
    assert len(payments) == 2
    assert {p.status for p in payments} == {"to_pay"}
    assert {p.id: p.amount for p in payments} == amounts
    [after] = all_rows(world, PaymentBatch)
    assert isinstance(after, PaymentBatch)
    assert after.status == "rejected_by_bank"
    records = all_rows(world, BankReturnRecord)
    scope = "payment_information" if block else "file"
    assert [r.status for r in records if r.scope == scope] == ["matched"]
    assert all_rows(world, BankDetailsBlock) == []
    with world.session() as session:
        causes = set(session.scalars(select(CaseRequest.cause_key)))
    assert f"bank_file:payment_batch:{batch.id}" in causes
    assert not any(c.startswith("payment_returned:") for c in causes)


def test_a_reject_of_a_file_remu_never_sent_matches_nothing(world: World) -> None:
    released_april(world)
    imported(world, group_reject("REMU-1999-01-0001", block=False))
    assert {p.status for p in payments_of(world)} == {"released"}
    assert [r.status for r in all_rows(world, BankReturnRecord)] == ["unmatched"] * 2


def test_a_reason_remu_does_not_know_blocks_the_bank_details(world: World) -> None:
    """An unknown reason gets the careful answer: account blocked, a case, no blind re-send."""
    released_april(world)
    first = payments_of(world)[0]
    imported(world, camt054("BANK-NTF-ZZ", [(first.end_to_end_id, first.amount, "ZZ99")]))

    after = {p.id: p for p in payments_of(world)}
    assert after[first.id].status == "returned"
    [block] = all_rows(world, BankDetailsBlock)
    assert block.payment_id == first.id and block.reason_code == "ZZ99"
    with world.session() as session:
        case = session.scalars(
            select(CaseRequest).where(
                CaseRequest.cause_key == f"payment_returned:payment:{first.id}"
            )
        ).one()
    assert "motif non référencé" in case.summary


def test_a_return_of_another_amount_is_kept_aside(world: World) -> None:
    released_april(world)
    first = payments_of(world)[0]
    wrong = first.amount + Decimal("0.01")
    imported(world, camt054("BANK-NTF-AMT", [(first.end_to_end_id, wrong, "AC04")]))
    assert {p.status for p in payments_of(world)} == {"released"}
    assert [r.status for r in all_rows(world, BankReturnRecord)] == ["amount_mismatch"]


def test_a_second_return_of_a_returned_payment_changes_nothing(world: World) -> None:
    batch = released_april(world)
    first = payments_of(world)[0]
    imported(world, camt054("BANK-NTF-1", [(first.end_to_end_id, first.amount, "AC04")]))
    imported(
        world,
        pain002("BANK-STS-2", batch.message_id, [(first.end_to_end_id, first.amount, "AC01")]),
    )
    statuses = [r.status for r in all_rows(world, BankReturnRecord)]
    assert sorted(statuses) == ["already_processed", "matched"]
    assert {p.id: p.return_reason_code for p in payments_of(world)}[first.id] == "AC04"


def test_a_file_that_is_not_a_bank_status_report_is_refused(world: World) -> None:
    pain001 = (DATA / "pain001_001_09_golden.xml").read_bytes()
    with pytest.raises(BankFileRefused, match="non reconnu"), world.unit() as ctx:
        import_bank_file(ctx, pain001, file_name="virements.xml")
    assert all_rows(world, BankReturnRecord) == []


def test_a_status_report_failing_its_schema_is_refused_with_its_lines(world: World) -> None:
    broken = (
        (DATA / "pain002_001_03_tx_rejects.xml")
        .read_bytes()
        .replace(b"<TxSts>RJCT", b"<TxSts>NOPE", 1)
    )
    with pytest.raises(BankFileRefused) as refused, world.unit() as ctx:
        import_bank_file(ctx, broken, file_name="rejets.xml")
    assert "pain.002.001.03" in str(refused.value)
    assert refused.value.problems and refused.value.problems[0].path.startswith("ligne ")
