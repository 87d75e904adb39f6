"""Edges finance meets on an ordinary day: a net smaller than the first overpayment, an advance
run asked for a day written wrongly, a search for a case that does not exist, a scheduled run
named after someone who is not in finance."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from payments import RunKind, RunRequest, start_run
from payments.errors import RunRefused
from payments.jobs import finance_actor
from payments.lines import OverpaymentShare, settle
from payments.search import search
from remuneration.domain.errors import NotAllowed
from tests.payments.runworld import PAYER, World


def test_a_net_smaller_than_the_oldest_overpayment_is_all_offset_against_it() -> None:
    """Oldest first: the net goes to the first overpayment; the next one, and an overpayment
    already recovered, are left alone; nothing is sent."""
    oldest, recovered, younger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    shares = [
        OverpaymentShare(recovered, Decimal("0.00")),
        OverpaymentShare(oldest, Decimal("150.00")),
        OverpaymentShare(younger, Decimal("50.00")),
    ]
    settlement = settle(Decimal("100.00"), shares)
    assert settlement.offsets == ((oldest, Decimal("100.00")),)
    assert settlement.transfer == Decimal("0.00") and settlement.new_overpayment == Decimal("0")


@pytest.mark.parametrize("period", ["2024-05-3", "2024-5-31", "31/05/2024", "2024-05-3x"])
def test_an_advance_run_refuses_a_day_written_otherwise_than_yyyy_mm_dd(
    world: World, period: str
) -> None:
    with pytest.raises(RunRefused) as refused, world.unit() as ctx:
        start_run(ctx, RunRequest(RunKind.ADVANCE, period, date(2024, 6, 3)), payer=PAYER)
    assert refused.value.field == "period"
    assert "AAAA-MM-JJ" in refused.value.message


def test_a_case_reference_that_exists_nowhere_finds_nothing(world: World) -> None:
    with world.unit("relation_usagers") as ctx:
        assert search(ctx, "C-2024-999999", kinds=frozenset({"case"})) == []


def test_a_scheduled_run_is_never_prepared_in_the_name_of_someone_outside_finance(
    world: World,
) -> None:
    instructor = world.users["instructor"]
    with world.session() as session, pytest.raises(NotAllowed, match="rôle finance"):
        finance_actor(session, instructor.name, now=world.clock.now)
    with world.session() as session:
        actor = finance_actor(session, world.users["finance"].name, now=world.clock.now)
    assert actor.user_id == world.users["finance"].id
