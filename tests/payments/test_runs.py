"""Payment runs against a real database: what is paid, never twice, regularisations, overpayments,
recovery orders, waivers, the advance run, both file versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from payments import RunKind, RunRequest, file_chunks, start_run, waive_overpayment
from payments.calendar import execution_date_refusal
from payments.errors import OverpaymentNotWaivable, RunRefused
from payments.models import (
    Overpayment,
    OverpaymentOffset,
    Payment,
    PaymentBatch,
    PaymentLine,
    PaymentRun,
)
from payments.sepa import Pain001Version, check_file, validate_pain001
from remuneration.db.models import AttendanceStatementLine, AuditEvent, CaseRequest, Dossier
from remuneration.domain.errors import AttendanceAlreadyPaid
from remuneration.services import decisions, dossiers
from remuneration.services.evaluation_input import build_request
from rules import evaluate
from tests.payments.runworld import (
    FULL_MONTH,
    PAYER,
    PAYER_03,
    World,
    add_statement,
    all_rows,
    at,
    entry,
    granted_dossier,
    record_exit,
)


def run(world: World, kind: RunKind, period: str, execution: date, payer: Any = PAYER) -> Any:
    with world.unit() as ctx:
        return start_run(ctx, RunRequest(kind, period, execution), payer=payer)


def file_bytes(world: World, batch_id: Any) -> bytes:
    with world.session() as session:
        return b"".join(file_chunks(session, batch_id, world.protector))


def engine_lines(world: World, dossier_id: Any, last: str) -> list[tuple[str, str, Decimal]]:
    """The engine's own answer on the stored facts, for the months up to ``last``."""
    with world.unit() as ctx:
        dossier = ctx.session.get_one(Dossier, dossier_id)
        result = evaluate(
            build_request(ctx, dossier, as_of=world.clock.now.date()), today=ctx.today
        )
    return [
        (str(line.period), line.kind.value, line.amount)
        for line in result.lines
        if str(line.period) <= last
    ]


def paid_lines(world: World, dossier_id: Any) -> list[tuple[str, str, int, Decimal]]:
    with world.session() as session:
        rows = session.execute(
            select(PaymentLine.period, PaymentLine.kind, PaymentLine.revision, PaymentLine.amount)
            .where(PaymentLine.dossier_id == dossier_id)
            .order_by(PaymentLine.period, PaymentLine.kind, PaymentLine.revision)
        )
        return [tuple(row) for row in rows]


def test_a_monthly_run_pays_the_engine_lines_in_a_valid_file(world: World) -> None:
    first = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": entry("133", "7")})
    second = granted_dossier(world, months={"2024-03": FULL_MONTH}, last_name="Nguyễn-Çelik")
    outcome = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    assert outcome.created

    expected = engine_lines(world, first["dossier_id"], "2024-04") + engine_lines(
        world, second["dossier_id"], "2024-04"
    )
    total = sum((amount for _, _, amount in expected), Decimal(0))
    [batch] = all_rows(world, PaymentBatch)
    assert batch.number_of_transactions == 2 and batch.control_sum == total
    assert outcome.run.total_amount == total and outcome.run.payments_count == 2

    data = file_bytes(world, batch.id)
    assert validate_pain001(data) == []
    assert check_file(data, today=world.clock.now.date()) == []
    assert f"<CtrlSum>{total:.2f}</CtrlSum>".encode() in data
    assert b"<Nm>MME NGUYEN-CELIK ZOE ANAIS</Nm>" in data and "NGUYỄN".encode() not in data

    with world.session() as session:
        payment = session.scalars(
            select(Payment).where(Payment.dossier_id == second["dossier_id"])
        ).one()
        assert payment.creditor_name.startswith("MME NGUYỄN")
        assert payment.iban_masked.replace(" ", "").endswith(second["iban"][-4:])
        assert second["iban"].encode() not in payment.iban_encrypted
        statements = session.scalars(select(AttendanceStatementLine)).all()
        assert all(line.paid for line in statements)


def test_running_again_pays_no_one_twice(world: World) -> None:
    info = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    first = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    again = run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    assert not again.created and again.run.id == first.run.id
    assert len(all_rows(world, Payment)) == 1

    add_statement(world, info, "2024-05", FULL_MONTH)
    world.clock.now = at(date(2024, 6, 3))
    later = run(world, RunKind.MONTHLY, "2024-05", date(2024, 6, 5))
    assert [(p, k) for p, k, _, _ in paid_lines(world, info["dossier_id"]) if p == "2024-05"] == [
        ("2024-05", "mobility"),
        ("2024-05", "remuneration"),
    ]
    assert later.run.lines_count == 2
    periods = [line[:3] for line in paid_lines(world, info["dossier_id"])]
    assert len(periods) == len(set(periods)), "a line was paid twice"


def test_a_paid_month_is_locked_and_corrections_are_regularised(world: World) -> None:
    info = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    with pytest.raises(AttendanceAlreadyPaid):
        add_statement(world, info, "2024-04", entry("100", "40"))

    world.clock.now = at(date(2024, 6, 3))
    with world.unit("supervisor") as ctx:
        dossier = ctx.session.get_one(Dossier, info["dossier_id"])
        dossiers.update_facts(ctx, dossier, {"distance_km": Decimal("12")})
        decisions.take_decision(ctx, dossier, as_of=date(2024, 6, 3))
    add_statement(world, info, "2024-05", entry("0", "140"))
    outcome = run(world, RunKind.MONTHLY, "2024-05", date(2024, 6, 5))

    regularised = [line for line in paid_lines(world, info["dossier_id"]) if line[2] == 1]
    assert regularised == [
        ("2024-03", "mobility", 1, Decimal("-67.74")),
        ("2024-04", "mobility", 1, Decimal("-100.00")),
    ]
    # May's remuneration (all hours unjustified) cannot absorb the regularisation: an overpayment.
    [overpayment] = all_rows(world, Overpayment)
    may = [line[3] for line in paid_lines(world, info["dossier_id"]) if line[0] == "2024-05"]
    assert overpayment.amount == -(sum(may, Decimal(0)) - Decimal("167.74"))
    assert overpayment.status == "open" and outcome.run.payments_count == 0

    add_statement(world, info, "2024-06", FULL_MONTH)
    world.clock.now = at(date(2024, 7, 2))
    june = run(world, RunKind.MONTHLY, "2024-06", date(2024, 7, 4))
    [offset] = all_rows(world, OverpaymentOffset)
    [settled] = all_rows(world, Overpayment)
    june_lines = sum(
        (line[3] for line in paid_lines(world, info["dossier_id"]) if line[0] == "2024-06"),
        Decimal(0),
    )
    assert offset.amount == overpayment.amount and settled.remaining == 0
    assert settled.status == "settled"
    assert june.run.total_amount == june_lines - overpayment.amount


def test_an_overpayment_left_when_the_training_is_over_becomes_a_recovery_order(
    world: World,
) -> None:
    info = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    run(world, RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
    world.clock.now = at(date(2024, 6, 3))
    add_statement(world, info, "2024-05", entry("40", "100"))
    record_exit(world, info, date(2024, 5, 10), "abandonment")
    outcome = run(world, RunKind.MONTHLY, "2024-05", date(2024, 6, 5))

    [overpayment] = all_rows(world, Overpayment)
    assert outcome.run.overpayments_count == 1 and outcome.run.payments_count == 0
    assert overpayment.status == "recovery_order" and overpayment.recovery_order_reference
    assert overpayment.remaining == overpayment.amount > 0
    with world.session() as session:
        [case] = session.scalars(
            select(CaseRequest).where(CaseRequest.category == "overpayment")
        ).all()
        assert case.cause_key == f"overpayment:debt:{overpayment.id}" and case.priority == "normal"

    with world.unit("supervisor") as ctx:
        waived = waive_overpayment(ctx, overpayment.id, reason="Situation sociale très difficile.")
        assert waived.status == "waived" and waived.waived_by == ctx.actor.user_id
    with world.unit("supervisor") as ctx, pytest.raises(OverpaymentNotWaivable):
        waive_overpayment(ctx, overpayment.id, reason="Deuxième remise demandée.")
    with world.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "overpayment.waived")
        ).one()
        assert event.after and event.after["waiver_reason"] == "Situation sociale très difficile."


def test_the_advance_run_pays_each_advance_once(world: World) -> None:
    world.clock.now = at(date(2024, 3, 12))
    info = granted_dossier(world)
    granted_dossier(world, start=date(2024, 4, 2), end=date(2024, 9, 27))
    first = run(world, RunKind.ADVANCE, "2024-03-12", date(2024, 3, 13))
    assert first.run.payments_count == 1 and first.run.total_amount == Decimal("200.00")

    world.clock.now = at(date(2024, 4, 3))
    second = run(world, RunKind.ADVANCE, "2024-04-03", date(2024, 4, 4))
    assert second.run.payments_count == 1  # only the dossier that started on 2 April

    add_statement(world, info, "2024-03", FULL_MONTH)
    world.clock.now = at(date(2024, 4, 5))
    monthly = run(world, RunKind.MONTHLY, "2024-03", date(2024, 4, 8))
    kinds = [(p, k) for p, k, _, _ in paid_lines(world, info["dossier_id"])]
    assert kinds.count(("2024-03", "advance")) == 1
    assert ("2024-03", "advance_recovery") in kinds
    assert monthly.run.total_amount == sum(
        (a for p, k, r, a in paid_lines(world, info["dossier_id"]) if k != "advance"), Decimal(0)
    )


def test_the_03_version_is_written_on_request(world: World) -> None:
    granted_dossier(world, months={"2024-03": FULL_MONTH})
    run(world, RunKind.MONTHLY, "2024-03", date(2024, 5, 8), payer=PAYER_03)
    [batch] = all_rows(world, PaymentBatch)
    data = file_bytes(world, batch.id)
    assert batch.pain_version == "pain.001.001.03"
    assert validate_pain001(data, version=Pain001Version.V03) == []
    assert check_file(data, today=world.clock.now.date()) == []
    assert b"<BIC>BNPAFRPPXXX</BIC>" in data


@pytest.mark.parametrize(
    ("kind", "period", "execution", "field"),
    [
        (RunKind.MONTHLY, "2024-05", date(2024, 5, 8), "period"),
        (RunKind.MONTHLY, "2024-13", date(2024, 5, 8), "period"),
        (RunKind.ADVANCE, "2024-05-07", date(2024, 5, 8), "period"),
        (RunKind.MONTHLY, "2024-04", date(2024, 5, 3), "execution_date"),
        (RunKind.MONTHLY, "2024-04", date(2024, 5, 11), "execution_date"),
    ],
)
def test_runs_refuse_premature_periods_and_bad_execution_dates(
    world: World, kind: RunKind, period: str, execution: date, field: str
) -> None:
    with pytest.raises(RunRefused) as refused:
        run(world, kind, period, execution)
    assert refused.value.field == field
    assert all_rows(world, PaymentRun) == []


@pytest.mark.parametrize(
    ("kind", "period", "execution", "says"),
    [
        (
            RunKind.MONTHLY,
            "2024-05",
            date(2024, 5, 8),
            "La paie de mai 2024 ne peut être faite qu'après la fin du mois, le 31 mai 2024",
        ),
        (
            RunKind.ADVANCE,
            "2024-05-07",
            date(2024, 5, 8),
            "Le 7 mai 2024 est à venir : un versement d'avances porte sur les entrées en "
            "formation d'un jour passé ou d'aujourd'hui ; indiquez le 6 mai 2024 ou un jour "
            "plus tôt.",
        ),
        (RunKind.ADVANCE, "20240503", date(2024, 5, 8), "s'écrit AAAA-MM-JJ"),
        (
            RunKind.MONTHLY,
            "2024-04",
            date(2024, 5, 3),
            "La date d'exécution du 3 mai 2024 est passée : indiquez le 6 mai 2024 ou un jour "
            "ouvré TARGET2 plus tard.",
        ),
        (
            RunKind.MONTHLY,
            "2024-04",
            date(2024, 5, 11),
            "La date d'exécution du 11 mai 2024 n'est pas un jour ouvré TARGET2 : indiquez le "
            "13 mai 2024 ou un jour ouvré TARGET2 plus tard.",
        ),
    ],
)
def test_a_refused_run_says_in_french_dates_what_to_ask_instead(
    world: World, kind: RunKind, period: str, execution: date, says: str
) -> None:
    """Today is Monday 6 May 2024: the refusal names the days in words and the day to ask."""
    with pytest.raises(RunRefused) as refused:
        run(world, kind, period, execution)
    assert says in str(refused.value)
    assert "2024-05" not in str(refused.value)


def test_an_execution_date_refusal_names_the_next_day_the_bank_settles() -> None:
    # 1 May is a TARGET2 closing day: the first day to ask is the 2nd.
    assert execution_date_refusal(date(2024, 5, 1), date(2024, 4, 30)) == (
        "La date d'exécution du 1er mai 2024 n'est pas un jour ouvré TARGET2 : indiquez le "
        "2 mai 2024 ou un jour ouvré TARGET2 plus tard."
    )
    assert execution_date_refusal(date(2024, 5, 2), date(2024, 4, 30)) is None
    assert execution_date_refusal(date(2024, 4, 30), date(2024, 4, 30)) is None
