"""A run whose chunks are computed by a worker process (``payments.run_worker``): it stores what
the run's own process stores, a failure in the worker (an error, the process killed) or an
interruption leaves nothing, the worker is always gone afterwards, and the run is made whole."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from payments import RunKind, RunRequest, run_chunks, start_run
from payments.models import Payment, PaymentBatch, PaymentLine, PaymentRun
from payments.run_worker import RunWorkerError
from payments.transfers import PAYMENT_IBAN_CONTEXT
from remuneration.db.models import CaseRequest, Document
from remuneration.services.inputs import AidRequestInput
from remuneration.services.protection import DecryptionError, FieldProtector
from rules import load_parameters
from tests.payments.runworld import (
    FULL_MONTH,
    PAYER,
    World,
    add_statement,
    at,
    change_rib,
    entry,
    granted_dossier,
    record_exit,
)

_APRIL = RunRequest(RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
_MAY = RunRequest(RunKind.MONTHLY, "2024-05", date(2024, 6, 5))
_WORKER = "remu-run-worker"


def _workers() -> list[Any]:
    return [child for child in multiprocessing.active_children() if child.name == _WORKER]


def _varied(world: World) -> None:
    """Dossiers of several kinds, paid for April; then May brings an exit (an overpayment),
    absences, a new RIB (a recent change: a case), a trainee without a town."""
    both = {"2024-03": FULL_MONTH, "2024-04": FULL_MONTH}
    plain = [granted_dossier(world, months=both, distance=f"{10 * i + 5}") for i in range(4)]
    aid = AidRequestInput(
        kind="equipment", request_date=date(2024, 4, 2), invoice_amount=Decimal("350")
    )
    granted_dossier(world, months=both, aids=[aid])
    granted_dossier(world, months=both, town=None)
    with world.unit() as ctx:
        start_run(ctx, _APRIL, payer=PAYER, worker_from=None)
    world.clock.now = at(date(2024, 6, 3))
    add_statement(world, plain[0], "2024-05", FULL_MONTH)
    add_statement(world, plain[1], "2024-05", entry("40", "100"))
    record_exit(world, plain[1], date(2024, 5, 10), "abandonment")
    add_statement(world, plain[2], "2024-05", FULL_MONTH)
    change_rib(world, plain[2])
    add_statement(world, plain[3], "2024-05", entry("120", "0", "120"))


def _stored(session: Session, protector: FieldProtector, run: PaymentRun) -> dict[str, Any]:
    """What a run stored, without the identifiers it drew at random."""
    lines = sorted(
        (r.dossier_id, r.trainee_id, r.period, r.kind, r.revision, r.amount, r.engine_amount,
         r.rule, r.explanation, r.payment_id is None)
        for r in session.scalars(select(PaymentLine).where(PaymentLine.run_id == run.id))
    )  # fmt: skip
    payments = sorted(
        (p.trainee_id, p.dossier_id, p.amount, p.creditor_name, p.creditor_town,
         protector.decrypt(p.iban_encrypted, context=PAYMENT_IBAN_CONTEXT),
         p.iban_hash, p.bic, p.remittance_information, p.iban_recently_changed,
         p.payment_information_id is not None)
        for p in session.scalars(select(Payment).where(Payment.run_id == run.id))
    )  # fmt: skip
    batch = session.scalars(select(PaymentBatch).where(PaymentBatch.run_id == run.id)).one()
    cases = session.scalar(
        select(func.count()).where(CaseRequest.category == "bank_details_change")
    )
    figures = (run.dossiers_count, run.lines_count, run.payments_count, run.overpayments_count)
    return {
        "figures": (*figures, run.total_amount, run.skipped),
        "lines": lines,
        "payments": payments,
        "batch": (batch.number_of_transactions, batch.control_sum),
        "cases": cases,
    }


def _run_then_forget(world: World, **options: Any) -> dict[str, Any]:
    """The May run, in a transaction rolled back afterwards (so both ways run on the same
    database): what it stored, read inside the transaction."""
    with world.session() as session, session.begin():
        ctx = world.context(session)
        if "parameters" in options:
            ctx = replace(ctx, parameters=options.pop("parameters"))
        outcome = start_run(ctx, _MAY, payer=PAYER, chunk_size=2, **options)
        assert outcome.run is not None
        session.flush()
        stored = _stored(session, world.protector, outcome.run)
        session.rollback()
    return stored


@pytest.mark.parametrize("parameters", ["bundled", "given"])
def test_the_worker_stores_what_the_run_process_stores(
    world: World, monkeypatch: pytest.MonkeyPatch, parameters: str
) -> None:
    _varied(world)
    calls: list[int] = []
    original = run_chunks.pay_chunks_in_worker

    def counted(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        original(*args, **kwargs)

    monkeypatch.setattr(run_chunks, "pay_chunks_in_worker", counted)
    given = {"parameters": load_parameters()} if parameters == "given" else {}
    here = _run_then_forget(world, worker_from=None, **given)
    assert not calls
    given = {"parameters": load_parameters()} if parameters == "given" else {}
    there = _run_then_forget(world, worker_from=0, **given)
    assert calls == [1], "the worker process was not used"
    assert not _workers(), "the worker process outlived the run"
    assert there == here
    _, lines, payments, overpayments, total, skipped = here["figures"]
    assert lines > 5 and payments >= 3 and overpayments == 1 and total > 0
    assert skipped == {"address_incomplete": 1}
    assert here["cases"] == 1  # the RIB changed recently, flagged by the worker's rows


def _count(world: World, model: Any) -> int:
    with world.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _rib_of_a_dossier(world: World) -> tuple[Any, bytes | None]:
    with world.session() as session:
        document = session.scalars(
            select(Document).where(Document.kind == "rib").order_by(Document.created_at)
        ).all()[3]
        return document.id, document.iban_encrypted


def _set_rib(world: World, document_id: Any, token: bytes | None) -> None:
    with world.unit() as ctx:
        ctx.session.execute(
            update(Document).where(Document.id == document_id).values(iban_encrypted=token)
        )


def _killing_the_worker_after(chunks: int) -> Callable[[int, int], None]:
    seen = {"n": 0}

    def progress(done: int, total: int) -> None:
        seen["n"] += 1
        if seen["n"] == chunks:
            for worker in _workers():
                assert worker.pid is not None
                os.kill(worker.pid, signal.SIGKILL)

    return progress


def _interrupted_after(chunks: int) -> Callable[[int, int], None]:
    seen = {"n": 0}

    def progress(done: int, total: int) -> None:
        seen["n"] += 1
        if seen["n"] == chunks:
            raise KeyboardInterrupt

    return progress


def _paid_whole(world: World) -> None:
    with world.unit() as ctx:
        outcome = start_run(ctx, _APRIL, payer=PAYER, chunk_size=1, worker_from=0)
    assert outcome.created and outcome.run is not None
    assert outcome.run.payments_count == 5
    with world.session() as session:
        paid = session.scalar(select(func.sum(Payment.amount)))
        lines = session.scalar(select(func.sum(PaymentLine.amount)))
    assert Decimal(str(paid)) == Decimal(str(lines)) == outcome.run.total_amount > 0


@pytest.mark.parametrize("failure", ["error", "killed", "interrupted"])
def test_a_failure_in_the_worker_leaves_nothing_and_the_run_is_made_whole_after(
    world: World, failure: str
) -> None:
    for _ in range(5):
        granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    document_id, token = _rib_of_a_dossier(world)
    expected: tuple[type[BaseException], str | None] = (RunWorkerError, "s'est arrêté")
    progress = None
    if failure == "error":  # a RIB that no longer decrypts: the worker's facts fail on it
        assert token is not None
        _set_rib(world, document_id, token[:-1] + bytes([token[-1] ^ 1]))
        expected = (DecryptionError, "authenticate")
    elif failure == "killed":
        progress = _killing_the_worker_after(2)
    else:
        progress = _interrupted_after(2)
        expected = (KeyboardInterrupt, None)
    with pytest.raises(expected[0], match=expected[1]), world.unit() as ctx:
        start_run(ctx, _APRIL, payer=PAYER, chunk_size=1, worker_from=0, progress=progress)
    assert not _workers(), "the worker process outlived the failed run"
    for model in (PaymentRun, Payment, PaymentLine, PaymentBatch):
        assert _count(world, model) == 0
    _set_rib(world, document_id, token)
    _paid_whole(world)
    assert not _workers()


def test_a_small_run_is_computed_in_the_run_process(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a worker process for one dossier")

    monkeypatch.setattr(run_chunks, "pay_chunks_in_worker", refused)
    with world.unit() as ctx:
        assert start_run(ctx, _APRIL, payer=PAYER).created  # the default: from 5 000 dossiers
