"""Use cases against the real database: decisions, optimistic concurrency, invalid stored facts."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from remuneration.db.models import Dossier
from remuneration.db.session import make_session_factory
from remuneration.demo.data import make_siret
from remuneration.domain.attendance import AttendanceEntry
from remuneration.domain.errors import AlreadyExists, InvalidFacts, NotFound
from remuneration.services import attendance, catalogue, decisions, dossiers
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.inputs import (
    AttendanceLineInput,
    DossierInput,
    OrganisationInput,
)
from remuneration.services.protection import FieldProtector
from rules import InputError
from rules.periods import Month
from tests.builders import JOB_SEEKER, trainee_with_dossier

NOW = datetime(2024, 6, 15, 9, tzinfo=UTC)
RNG = random.Random(11)
AGENT = Actor(user_id=None, name="agent", role=Role.INSTRUCTOR)


@pytest.fixture
def session(remu_engine: Engine) -> Iterator[Session]:
    with make_session_factory(remu_engine)() as session:
        yield session
        session.rollback()


def _ctx(session: Session, protector: FieldProtector, actor: Actor = AGENT) -> ServiceContext:
    return ServiceContext(session=session, actor=actor, now=NOW, protector=protector)


def _dossier(ctx: ServiceContext, store: DocumentStore, **facts: object) -> Dossier:
    """A submitted job seeker's dossier with its three documents, ``facts`` added."""
    return trainee_with_dossier(ctx, RNG, store=store, facts={**JOB_SEEKER, **facts}).dossier


def test_a_decision_is_taken_once_for_unchanged_facts(
    session: Session, protector: FieldProtector, tmp_path: object
) -> None:
    ctx = _ctx(session, protector)
    store = DocumentStore(tmp_path / "docs", protector)  # type: ignore[operator]
    dossier = _dossier(ctx, store)
    first = decisions.take_decision(ctx, dossier, as_of=date(2024, 6, 15))
    again = decisions.take_decision(ctx, dossier, as_of=date(2024, 6, 15))
    assert first.created and not again.created
    assert again.decision.id == first.decision.id
    assert dossier.status == "granted" and dossier.granted_at == NOW
    assert first.decision.total == Decimal("200.00")
    later = decisions.take_decision(ctx, dossier, as_of=date(2024, 6, 16))
    assert later.created and later.decision.number == 2
    comparison = decisions.compare_decision(ctx, dossier, first.decision)
    assert comparison.same_result and not comparison.facts_changed_since
    with pytest.raises(AlreadyExists):
        dossiers.create_dossier(ctx, DossierInput(dossier.trainee_id, dossier.training_id, {}))


def test_stored_facts_the_engine_refuses_are_reported_with_paths(
    session: Session, protector: FieldProtector, tmp_path: object
) -> None:
    ctx = _ctx(session, protector)
    dossier = _dossier(ctx, DocumentStore(tmp_path / "docs", protector))  # type: ignore[operator]
    entry = AttendanceEntry(Decimal(105), Decimal(105), Decimal(0), Decimal(0), Decimal(0), None)
    attendance.put_statement(
        ctx,
        dossier.training_id,
        Month(2024, 3),
        [AttendanceLineInput(dossier.id, entry)],
        expected_version=None,
    )
    dossiers.update_facts(
        ctx, dossier, {"trainee_status": "insertion_employee", "insertion_contract": "PEC"}
    )
    with pytest.raises(InputError) as error:
        decisions.take_decision(ctx, dossier, as_of=None)
    assert "months[0].hours_outside_work" in {p.path for p in error.value.problems}


def test_concurrent_changes_of_one_dossier_are_detected(
    remu_engine: Engine, protector: FieldProtector, tmp_path: object
) -> None:
    factory = make_session_factory(remu_engine)
    with factory() as setup:
        dossier = _dossier(_ctx(setup, protector), DocumentStore(tmp_path / "docs", protector))  # type: ignore[operator]
        setup.commit()
        dossier_id = dossier.id
    with factory() as first:
        mine = first.get_one(Dossier, dossier_id)
        first.commit()  # ends the read transaction (SQLite holds a write lock otherwise)
        with factory() as second:
            theirs = second.get_one(Dossier, dossier_id)
            theirs.distance_km = Decimal(10)
            second.commit()
        mine.distance_km = Decimal(20)
        with pytest.raises(StaleDataError):
            first.flush()


def test_organisations_are_checked_and_perimeters_enforced(
    session: Session, protector: FieldProtector
) -> None:
    ctx = _ctx(session, protector)
    with pytest.raises(InvalidFacts):
        catalogue.create_organisation(ctx, OrganisationInput(name="X", siret="12345678901234"))
    organisation = catalogue.create_organisation(
        ctx, OrganisationInput(name="Y", siret=make_siret(RNG))
    )
    outsider = Actor(
        user_id=None, name="org", role=Role.ORGANISATION, organisation_id=organisation.id
    )
    other = catalogue.create_organisation(ctx, OrganisationInput(name="Z", siret=make_siret(RNG)))
    with pytest.raises(NotFound):
        catalogue.get_organisation(_ctx(session, protector, outsider), other.id)
    assert catalogue.get_organisation(_ctx(session, protector, outsider), organisation.id)
