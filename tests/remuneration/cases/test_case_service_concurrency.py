"""Claims and references under real concurrency: threads, one transaction each, committed."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from sqlalchemy import Engine, func, select

from remuneration.cases.domain import Category, Channel
from remuneration.cases.models import Case, CaseEvent
from remuneration.cases.services import CaseInput, claim_case, create_case
from remuneration.cases.services.errors import CaseAlreadyClaimed
from remuneration.db.models import User
from remuneration.services.protection import FieldProtector
from tests.remuneration.cases.servicesupport import (
    agent,
    cctx,
    paris,
    session_of,
    trainee_with_dossier,
)

NOW = paris(2024, 6, 12, 10)


def _in_threads(count: int, work: Callable[[int], str]) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        outcome = work(index)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _setup(engine: Engine, protector: FieldProtector, agents: int) -> tuple[uuid.UUID, list[User]]:
    with session_of(engine) as session, session.begin():
        trainee_id, _, _ = trainee_with_dossier(session, NOW, protector)
        users = [agent(session, NOW) for _ in range(agents)]
    return trainee_id, users


def test_ten_agents_claiming_at_once_make_exactly_one_owner(
    remu_engine: Engine, protector: FieldProtector
) -> None:
    trainee_id, users = _setup(remu_engine, protector, 10)
    with session_of(remu_engine) as session, session.begin():
        case_id = create_case(
            cctx(session, NOW, users[0]),
            CaseInput(
                category=Category.PAYMENT_MISSING,
                channel=Channel.PHONE,
                subject="Paiement",
                trainee_id=trainee_id,
            ),
        ).case.id

    def claim(index: int) -> str:
        try:
            with session_of(remu_engine) as session, session.begin():
                claim_case(cctx(session, NOW, users[index]), case_id)
        except CaseAlreadyClaimed:
            return "taken"
        return str(users[index].id)

    outcomes = _in_threads(10, claim)
    winners = [o for o in outcomes if o != "taken"]
    assert len(winners) == 1 and outcomes.count("taken") == 9
    with session_of(remu_engine) as session:
        case = session.get_one(Case, case_id)
        assert str(case.assignee_id) == winners[0]
        assert case.status == "open"
        assigned = session.scalar(
            select(func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.action == "assigned")
        )
        assert assigned == 1


def test_concurrent_openings_get_distinct_consecutive_references(
    remu_engine: Engine, protector: FieldProtector
) -> None:
    trainee_id, users = _setup(remu_engine, protector, 8)
    with session_of(remu_engine) as session:
        before = session.scalar(select(func.count()).select_from(Case)) or 0

    def open_one(index: int) -> str:
        with session_of(remu_engine) as session, session.begin():
            case = create_case(
                cctx(session, NOW, users[index]),
                CaseInput(
                    category=Category.INFORMATION,
                    channel=Channel.PHONE,
                    subject=f"Question {index}",
                    trainee_id=trainee_id,
                ),
            ).case
            return case.reference

    references = _in_threads(8, open_one)
    assert len(set(references)) == 8
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(before + 1, before + 9))
