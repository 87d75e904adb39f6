"""The retention purge on back-dated data: dry run, apply (audited), files deleted only after the
commit, idempotent, and nothing erased before its time. The tests share one module database and
run in file order (dry run, rollback, apply, second run)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from remuneration.db.models import AuditEvent, Decision, Document, Dossier, Trainee
from remuneration.db.session import make_session_factory
from remuneration.jobs import retention_purge
from remuneration.operations import RetentionPolicy, load_operations_policy
from remuneration.services.context import ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector
from remuneration.services.retention import ANONYMISED_NAME, apply_retention, plan_retention
from remuneration.services.system_actor import system_context
from tests.remuneration.jobs_support import AGENT, Built, build_dossier, build_training, closed_at

BUILT_AT = datetime(2024, 6, 15, 9, tzinfo=UTC)
TODAY = date(2030, 6, 15)
NOW = datetime(2030, 6, 15, 0, 30, tzinfo=UTC)
POLICY = RetentionPolicy(closed_dossier_years=5, document_file_days_after_verification=90)


@pytest.fixture(scope="module")
def world(
    remu_engine: Engine, protector: FieldProtector, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, object]]:
    """Three dossiers: closed six years ago, closed three years ago, open and just verified."""
    store = DocumentStore(tmp_path_factory.mktemp("store"), protector)
    rng = random.Random(7)
    with make_session_factory(remu_engine).begin() as session:
        old_ctx = ServiceContext(session=session, actor=AGENT, now=BUILT_AT, protector=protector)
        expired = build_dossier(old_ctx, store, rng, last_name="Ancien")
        recent = build_dossier(old_ctx, store, rng, last_name="Recent")
        closed_at(expired.dossier, datetime(2024, 6, 1, 10, tzinfo=UTC))
        closed_at(recent.dossier, datetime(2027, 1, 1, 10, tzinfo=UTC))
        new_ctx = ServiceContext(
            session=session,
            actor=AGENT,
            now=datetime(2030, 6, 5, 9, tzinfo=UTC),
            protector=protector,
        )
        training = build_training(new_ctx, rng, start=date(2030, 3, 11), end=date(2030, 9, 27))
        current = build_dossier(new_ctx, store, rng, training=training, last_name="Actuel")
    yield {"store": store, "expired": expired, "recent": recent, "current": current}


def _file_of(session: Session, built: Built) -> str | None:
    return session.scalar(
        select(Document.stored_name).where(
            Document.dossier_id == built.dossier.id, Document.kind == "identity"
        )
    )


def test_the_rules_come_from_the_dated_file() -> None:
    policy = load_operations_policy(on=TODAY).retention
    assert policy.closed_dossier_years >= 1 and policy.document_file_days_after_verification >= 1


def test_the_dry_run_plans_without_changing_anything(
    remu_engine: Engine, protector: FieldProtector, world: dict[str, Built]
) -> None:
    deleted: list[str] = []
    with make_session_factory(remu_engine)() as session:
        plan = plan_retention(session, today=TODAY, policy=POLICY)
        audits_before = session.scalar(select(func.count()).select_from(AuditEvent))
        counts = retention_purge(
            session,
            today=TODAY,
            now=NOW,
            protector=protector,
            delete_file=deleted.append,
            apply=False,
        )
        session.commit()
        audits_after = session.scalar(select(func.count()).select_from(AuditEvent))
    assert plan.dossiers == (world["expired"].dossier.id,)
    assert plan.trainees == (world["expired"].trainee.id,)
    assert set(plan.files) == set(_identity_ids(remu_engine, world["expired"], world["recent"]))
    assert deleted == []
    assert counts == {"files": 2, "dossiers": 1, "trainees": 1, "applied": 0}
    assert audits_before == audits_after


def _identity_ids(engine: Engine, *built: Built) -> list[object]:
    with make_session_factory(engine)() as session:
        return [
            session.scalar(
                select(Document.id).where(
                    Document.dossier_id == b.dossier.id, Document.kind == "identity"
                )
            )
            for b in built
        ]


def test_a_rolled_back_purge_deletes_no_file(
    remu_engine: Engine, protector: FieldProtector, world: dict[str, object]
) -> None:
    store: DocumentStore = world["store"]  # type: ignore[assignment]
    expired: Built = world["expired"]  # type: ignore[assignment]
    deleted: list[str] = []
    with make_session_factory(remu_engine)() as session:
        name = _file_of(session, expired)
        ctx = system_context(session, now=NOW, protector=protector, request_id="test-rollback")
        apply_retention(
            ctx, plan_retention(session, today=TODAY, policy=POLICY), delete_file=deleted.append
        )
        session.rollback()
        assert _file_of(session, expired) == name
    assert deleted == [] and name is not None and store.read(name).startswith(b"%PDF")


def test_apply_erases_what_is_due_audits_it_and_deletes_files_after_commit(
    remu_engine: Engine, protector: FieldProtector, world: dict[str, object]
) -> None:
    store: DocumentStore = world["store"]  # type: ignore[assignment]
    expired, recent, current = (world[k] for k in ("expired", "recent", "current"))
    assert isinstance(expired, Built) and isinstance(recent, Built) and isinstance(current, Built)
    with make_session_factory(remu_engine)() as session:
        names = [_file_of(session, b) for b in (expired, recent, current)]
    with make_session_factory(remu_engine).begin() as session:
        counts = retention_purge(
            session, today=TODAY, now=NOW, protector=protector, delete_file=store.delete
        )
        assert all((store._directory / str(n)).exists() for n in names)  # not before the commit
    assert counts["files_deleted"] == 2 and counts["dossiers"] == 1 and counts["trainees"] == 1
    assert not (store._directory / str(names[0])).exists()
    assert not (store._directory / str(names[1])).exists()
    assert store.read(str(names[2])).startswith(b"%PDF")
    with make_session_factory(remu_engine)() as session:
        trainee = session.get_one(Trainee, expired.trainee.id)
        assert trainee.last_name == ANONYMISED_NAME and trainee.first_names == ""
        assert trainee.birth_date == date(1985, 1, 1) and trainee.anonymised_at is not None
        documents = session.scalars(
            select(Document).where(Document.dossier_id == expired.dossier.id)
        )
        for document in documents:
            assert document.nir_encrypted is None and document.iban_encrypted is None
            assert document.holder is None and document.stored_name is None
            assert document.verification_status == "verified"
        inputs = session.scalars(
            select(Decision.input_encrypted).where(Decision.dossier_id == expired.dossier.id)
        ).all()
        assert inputs and all(value == b"" for value in inputs)
        recent_vitale = session.scalar(
            select(Document).where(
                Document.dossier_id == recent.dossier.id, Document.kind == "vitale"
            )
        )
        assert recent_vitale is not None and recent_vitale.nir_encrypted is not None
        assert session.get_one(Trainee, recent.trainee.id).last_name == "Recent"
        assert session.get_one(Dossier, expired.dossier.id).status == "closed"
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.request_id == f"job-retention-{TODAY}")
        ).all()
    assert sorted(actions) == sorted(
        ["document.file_deleted"] * 2 + ["dossier.anonymised", "trainee.anonymised"]
    )


def test_a_second_purge_finds_nothing(remu_engine: Engine, world: dict[str, object]) -> None:
    """Runs after the apply test above (module order): the purge is idempotent."""
    with make_session_factory(remu_engine)() as session:
        plan = plan_retention(session, today=TODAY, policy=POLICY)
    assert plan.counts() == {"files": 0, "dossiers": 0, "trainees": 0}
    later = plan_retention_on(remu_engine, date(2032, 1, 2))
    assert later.dossiers == (world["recent"].dossier.id,)  # type: ignore[attr-defined]


def plan_retention_on(engine: Engine, today: date) -> object:
    with make_session_factory(engine)() as session:
        return plan_retention(session, today=today, policy=POLICY)
