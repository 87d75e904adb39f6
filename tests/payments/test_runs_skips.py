"""A monthly run pays whom it can and counts why it left the others unpaid: a trainee without a
town (the bank refuses an address without one), a dossier no longer granted, stored facts the
engine refuses, bank details a bank refused until a new RIB is verified."""

from __future__ import annotations

from datetime import date
from typing import Any

from payments import RunKind, RunRequest, import_bank_file, release_batch, start_run
from payments.models import BankDetailsBlock, Payment, PaymentBatch
from remuneration.db.models import Dossier
from remuneration.services import dossiers
from tests.payments.bankfiles import camt054
from tests.payments.runworld import (
    FULL_MONTH,
    PAYER,
    World,
    add_statement,
    all_rows,
    at,
    change_rib,
    granted_dossier,
)


def monthly(world: World, period: str, execution: date) -> Any:
    with world.unit() as ctx:
        return start_run(ctx, RunRequest(RunKind.MONTHLY, period, execution), payer=PAYER).run


def change_facts(world: World, info: dict[str, Any], changes: dict[str, object]) -> None:
    with world.unit("supervisor") as ctx:
        dossiers.update_facts(ctx, ctx.session.get_one(Dossier, info["dossier_id"]), changes)


def paid_dossiers(world: World) -> set[Any]:
    return {payment.dossier_id for payment in all_rows(world, Payment)}


def test_a_run_pays_whom_it_can_and_counts_the_others(world: World) -> None:
    months = {"2024-03": FULL_MONTH, "2024-04": FULL_MONTH}
    paid = granted_dossier(world, months=months)
    granted_dossier(world, months=months, last_name="Petit", town=None)  # no town
    now_indemnified = granted_dossier(world, months=months, last_name="Robert")
    change_facts(world, now_indemnified, {"france_travail_indemnity": "are"})
    unreadable = granted_dossier(world, months=months, last_name="Richard")
    # An insertion employee's months need the hours outside work, which these statements lack.
    change_facts(
        world, unreadable, {"trainee_status": "insertion_employee", "insertion_contract": "PEC"}
    )

    run = monthly(world, "2024-04", date(2024, 5, 8))

    assert paid_dossiers(world) == {paid["dossier_id"]}
    assert run.payments_count == 1
    skipped = {reason: count for reason, count in run.skipped.items() if count}
    assert skipped == {"address_incomplete": 1, "not_granted": 1, "invalid_facts": 1}


def test_a_refused_account_holds_the_payments_until_a_new_rib_is_verified(world: World) -> None:
    info = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    monthly(world, "2024-04", date(2024, 5, 8))
    [batch] = all_rows(world, PaymentBatch)
    with world.unit("finance-2") as ctx:
        release_batch(
            ctx,
            batch.id,
            number_of_transactions=batch.number_of_transactions,
            control_sum=batch.control_sum,
        )
    [april] = all_rows(world, Payment)
    world.clock.now = at(date(2024, 5, 13))
    with world.unit() as ctx:
        notice = camt054("BANK-NTF-HOLD", [(april.end_to_end_id, april.amount, "AC04")])
        import_bank_file(ctx, notice, file_name="retours.xml")

    add_statement(world, info, "2024-05", FULL_MONTH)
    world.clock.now = at(date(2024, 6, 10))
    may = monthly(world, "2024-05", date(2024, 6, 11))
    assert may.payments_count == 0
    assert {reason: n for reason, n in may.skipped.items() if n} == {"bank_details_blocked": 1}
    [block] = all_rows(world, BankDetailsBlock)
    assert block.lifted_at is None

    world.clock.now = at(date(2024, 6, 11))
    new_iban = change_rib(world, info)
    add_statement(world, info, "2024-06", FULL_MONTH)
    world.clock.now = at(date(2024, 7, 10))
    june = monthly(world, "2024-06", date(2024, 7, 11))
    assert june.payments_count == 1
    [lifted] = all_rows(world, BankDetailsBlock)
    assert lifted.lifted_at is not None
    in_june = [p for p in all_rows(world, Payment) if p.run_id == june.id]
    # May and June in one transfer, and April's returned transfer re-issued (a new EndToEndId).
    assert sorted(p.reissue_of == april.id for p in in_june) == [False, True]
    assert all(p.iban_masked.replace(" ", "").endswith(new_iban[-4:]) for p in in_june)
