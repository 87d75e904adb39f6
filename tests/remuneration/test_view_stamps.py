"""The stored dossier views' invalidation (``remuneration.db.view_stamps``) below the HTTP door:
statements run through the session, the person's other dossiers, and a reader that built its
view before a write committed (it must never store it as fresh)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from remuneration.db.models import (
    AttendanceStatementLine,
    Decision,
    Document,
    Dossier,
    DossierViewEpoch,
    StoredDossierView,
    Training,
)
from remuneration.db.models.views import EPOCH_ROW
from remuneration.db.session import bounded_write, make_session_factory
from remuneration.demo.loader import load_demo
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector
from remuneration.services.stored_views import store_view, stored_view
from remuneration.services.system_actor import system_context

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(remu_db_url: str, remu_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    protector = FieldProtector(b"k" * 32)
    directory: Path = tmp_path_factory.mktemp("stamps")
    load_demo(
        remu_db_url, protector, DocumentStore(directory, protector), trainees=20, seed=7, now=NOW
    )
    return remu_engine


def _epoch(engine: Engine) -> int:
    with make_session_factory(engine)() as session:
        value = session.scalar(
            select(DossierViewEpoch.epoch).where(DossierViewEpoch.id == EPOCH_ROW)
        )
    assert value is not None
    return value


def _stamps(engine: Engine) -> dict[uuid.UUID, int]:
    with make_session_factory(engine)() as session:
        rows = session.execute(select(StoredDossierView.dossier_id, StoredDossierView.stamp))
        return dict(rows.tuples().all())


def test_statements_through_the_session_stale_every_view_unless_they_feed_none(
    demo: Engine,
) -> None:
    sessions = make_session_factory(demo)
    before = _epoch(demo)
    with sessions.begin() as session:  # a payment marks attendance lines paid: no view reads it
        session.execute(update(AttendanceStatementLine).values(paid=False, paid_at=None))
        session.execute(update(Decision).values(input_encrypted=b""))  # the retention purge
    assert _epoch(demo) == before
    with sessions.begin() as session:
        session.execute(update(Dossier).values(distance_km=Decimal("12.00")))
    assert _epoch(demo) == before + 1
    with sessions.begin() as session:
        session.execute(update(AttendanceStatementLine).values(attended_hours=Decimal("1")))
    assert _epoch(demo) == before + 2


def test_a_decision_stamps_the_persons_other_dossiers_and_no_one_else(demo: Engine) -> None:
    sessions = make_session_factory(demo)
    with sessions() as session:
        dossiers = list(session.scalars(select(Dossier).order_by(Dossier.reference)))
        nirs = {
            d: h
            for d, h in session.execute(
                select(Document.dossier_id, Document.nir_hash).where(Document.kind == "vitale")
            ).tuples()
        }
    first = dossiers[0]
    second = next(
        d
        for d in dossiers
        if d.trainee_id != first.trainee_id and d.training_id != first.training_id
    )
    people = {first.trainee_id, second.trainee_id}
    their_nirs = {nirs.get(first.id), nirs.get(second.id)} - {None}
    stranger = next(
        d for d in dossiers if d.trainee_id not in people and nirs.get(d.id) not in their_nirs
    )
    with sessions.begin() as session:  # the same person's second dossier (a job, say)
        session.get_one(Dossier, second.id).trainee_id = first.trainee_id
    before, epoch = _stamps(demo), _epoch(demo)
    with sessions.begin() as session:
        latest = session.scalars(select(Decision).limit(1)).first()
        assert latest is not None
        session.add(
            Decision(
                id=uuid.uuid4(),
                dossier_id=first.id,
                number=99,
                outcome="granted",
                as_of=NOW.date(),
                facts_version=1,
                input_hash="0" * 64,
                input_encrypted=b"",
                rules_version="test",
                parameters_digest="test",
                total=Decimal("0.00"),
                result_json="{}",
                taken_by=None,
                taken_at=NOW,
            )
        )
    after = _stamps(demo)
    assert _epoch(demo) == epoch
    assert after[first.id] == before.get(first.id, 0) + 1
    assert after[second.id] == before.get(second.id, 0) + 1  # its history: a granted training
    assert after.get(stranger.id) == before.get(stranger.id)


def test_a_view_built_before_a_write_committed_is_never_stored_as_fresh(demo: Engine) -> None:
    protector = FieldProtector(b"k" * 32)
    sessions = make_session_factory(demo)
    readers = make_session_factory(demo, read_only=True)
    with readers() as session:
        dossier = session.scalars(select(Dossier).order_by(Dossier.reference.desc())).first()
        assert dossier is not None
        ctx = system_context(session, now=NOW, protector=protector, request_id="test")
        found = stored_view(ctx, dossier.id)  # what a reader saw before building
    with sessions.begin() as session:  # a write commits while the reader builds
        session.get_one(Dossier, dossier.id).distance_km = Decimal("33.00")
    with bounded_write(demo, 100) as connection:
        assert not store_view(connection, found, '{"built":"before"}', NOW)
    # Stored under a new stamp, then a write staling every view (a training's title).
    with readers() as session:
        found = stored_view(
            system_context(session, now=NOW, protector=protector, request_id="test"), dossier.id
        )
    with sessions.begin() as session:
        session.get_one(Training, dossier.training_id).title = "Autre intitulé"
    with bounded_write(demo, 100) as connection:
        assert store_view(connection, found, '{"built":"before"}', NOW)  # under the old epoch
    with readers() as session:
        again = stored_view(
            system_context(session, now=NOW, protector=protector, request_id="test"), dossier.id
        )
    assert again.body is None  # never served
