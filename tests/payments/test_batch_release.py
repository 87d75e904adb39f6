"""Releasing a batch to the bank is the last check before money leaves: the file must be the one
validated, its totals the ones confirmed, its execution date still ahead; a released or cancelled
batch is never released again, and a cancellation needs a date the bank can execute."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from payments import (
    RunKind,
    RunRequest,
    cancel_batch,
    file_chunks,
    release_batch,
    start_run,
)
from payments.errors import BatchNotReleasable, FourEyesViolation, RunRefused
from payments.files import chunk_context
from payments.models import PaymentBatch, PaymentBatchChunk
from tests.payments.runworld import FULL_MONTH, PAYER, World, all_rows, at, granted_dossier


def prepared_batch(world: World) -> PaymentBatch:
    """April 2024 paid by the monthly run, prepared by the system's finance account."""
    granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    with world.unit() as ctx:
        start_run(ctx, RunRequest(RunKind.MONTHLY, "2024-04", date(2024, 5, 8)), payer=PAYER)
    [batch] = all_rows(world, PaymentBatch)
    assert isinstance(batch, PaymentBatch)
    return batch


def release(world: World, batch: PaymentBatch, who: str = "finance-2", **totals: object) -> None:
    count = totals.get("count", batch.number_of_transactions)
    total = totals.get("total", batch.control_sum)
    assert isinstance(count, int) and isinstance(total, Decimal)
    with world.unit(who) as ctx:
        release_batch(ctx, batch.id, number_of_transactions=count, control_sum=total)


def cancel(world: World, batch: PaymentBatch, execution_date: date | None) -> PaymentBatch:
    with world.unit() as ctx:
        return cancel_batch(
            ctx,
            batch.id,
            reason="Date d'exécution à décaler",
            execution_date=execution_date,
            payer=PAYER,
            countries=("FR",),
            alert_days=30,
        )


def test_the_preparer_cannot_release_and_totals_must_be_the_files(world: World) -> None:
    batch = prepared_batch(world)
    with pytest.raises(FourEyesViolation):
        release(world, batch, who="finance")
    with pytest.raises(BatchNotReleasable, match="ne sont pas ceux de l'en-tête") as wrong:
        release(world, batch, total=batch.control_sum + Decimal("0.01"))
    assert wrong.value.field == "control_sum"
    release(world, batch)
    with pytest.raises(BatchNotReleasable, match="déjà été libéré"):
        release(world, batch)


def test_a_file_altered_after_its_validation_is_never_released(world: World) -> None:
    batch = prepared_batch(world)
    with world.unit() as ctx:
        original = b"".join(file_chunks(ctx.session, batch.id, ctx.protector))
        altered = original.replace(b"<Nm>MME LEFEVRE", b"<Nm>MME LEFEBVRE", 1)
        assert altered != original
        ctx.session.execute(
            update(PaymentBatchChunk)
            .where(PaymentBatchChunk.batch_id == batch.id, PaymentBatchChunk.sequence == 0)
            .values(data=ctx.protector.encrypt_bytes(altered, context=chunk_context(batch.id, 0)))
        )
    with pytest.raises(BatchNotReleasable, match="SHA-256"):
        release(world, batch)


def test_a_batch_whose_execution_date_has_passed_is_cancelled_with_a_new_date(
    world: World,
) -> None:
    batch = prepared_batch(world)
    world.clock.now = at(date(2024, 5, 9))
    with pytest.raises(
        BatchNotReleasable,
        match=r"du 8 mai 2024 est passée : indiquez le 9 mai 2024.* annulez-le en indiquant",
    ):
        release(world, batch)
    with pytest.raises(RunRefused, match="jour ouvré TARGET2") as refused:
        cancel(world, batch, date(2024, 5, 11))  # a Saturday
    assert refused.value.field == "execution_date"
    with pytest.raises(RunRefused, match="du 8 mai 2024 est passée"):
        cancel(world, batch, None)  # the old date, already past

    replacement = cancel(world, batch, date(2024, 5, 10))
    assert replacement.execution_date == date(2024, 5, 10)
    with pytest.raises(BatchNotReleasable, match="annulé"):
        release(world, batch)
    release(world, replacement)
    assert {b.status for b in all_rows(world, PaymentBatch)} == {"cancelled", "released"}
