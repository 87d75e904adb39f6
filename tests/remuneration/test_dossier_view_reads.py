"""The dossier view reads a dossier's exit, aid requests and person history once, for the view
and for its document checks: the evaluation request the checks build from those rows must be
the very one `build_request` builds by reading everything itself, and the checks the same, on
every dossier of the demonstration data (exits, several aid requests, people with several
dossiers, NIRs shared between two records)."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.db.models import AidRequest, Decision, Document, Dossier, Exit
from remuneration.db.session import make_engine, make_session_factory
from remuneration.demo.loader import load_demo
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services.document_checks import check_documents
from remuneration.services.document_store import DocumentStore
from remuneration.services.documents import get_documents
from remuneration.services.evaluation_input import (
    StoredRows,
    build_request,
    document_part,
    documents_part,
)
from remuneration.services.person_history import histories, history_of
from remuneration.services.protection import FieldProtector
from remuneration.services.system_actor import system_context

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _with_every_case(session: Session) -> None:
    """Add to the demo what it lacks: a dossier with three aid requests created at the same
    moment, a person with a second (granted) dossier, and a NIR held by two records."""
    vitales = list(
        session.scalars(
            select(Document)
            .where(Document.kind == DocumentKind.VITALE.value, Document.nir_hash.is_not(None))
            .order_by(Document.id)
        )
    )
    first, second = vitales[0], vitales[1]
    second.nir_hash = first.nir_hash  # the same NIR on two records
    created = NOW.replace(tzinfo=None)
    for day in (12, 3, 7):
        session.add(
            AidRequest(
                id=uuid.uuid4(),
                dossier_id=first.dossier_id,
                kind="equipment",
                request_date=date(2026, 11, day),
                invoice_amount=Decimal("120.00"),
                cost=Decimal("120.00"),
                other_funding=Decimal("0.00"),
                code_status=None,
                created_by=None,
                created_at=created,
            )
        )
    granted = session.scalar(
        select(Dossier)
        .join(Decision, Decision.dossier_id == Dossier.id)
        .where(Decision.outcome == "granted")
        .limit(1)
    )
    assert granted is not None
    other = session.scalar(
        select(Dossier)
        .join(Document, Document.dossier_id == Dossier.id)
        .where(Dossier.training_id != granted.training_id, Dossier.trainee_id != granted.trainee_id)
        .limit(1)
    )
    assert other is not None
    other.trainee_id = granted.trainee_id  # the same person's second dossier


def test_rows_read_once_give_the_same_request_and_checks(
    remu_db_url: str, protector: FieldProtector, tmp_path: Path
) -> None:
    store = DocumentStore(tmp_path / "documents", protector)
    load_demo(remu_db_url, protector, store, trainees=60, seed=2024, now=NOW)
    engine = make_engine(remu_db_url)
    seen: Counter[str] = Counter()
    try:
        with make_session_factory(engine).begin() as session:
            _with_every_case(session)
        with make_session_factory(engine, read_only=True)() as session:
            ctx = system_context(session, now=NOW, protector=protector, request_id="test")
            for dossier in session.scalars(select(Dossier).order_by(Dossier.reference)):
                documents = get_documents(ctx, dossier)
                exit_row = session.scalar(select(Exit).where(Exit.dossier_id == dossier.id))
                aids = list(
                    session.scalars(
                        select(AidRequest)
                        .where(AidRequest.dossier_id == dossier.id)
                        .order_by(AidRequest.id.desc())  # any order: the request sorts them
                    )
                )
                nir_hash = next(
                    (d.nir_hash for d in documents if d.kind == DocumentKind.VITALE), None
                )
                person = history_of(
                    session,
                    dossier_id=dossier.id,
                    trainee_id=dossier.trainee_id,
                    training_id=dossier.training_id,
                    nir_hash=nir_hash,
                )
                assert person == histories(session, [dossier.id])[dossier.id]
                parts = documents_part(())
                for document in documents:
                    parts[document.kind] = document_part(ctx, document, verified_only=False)
                stored = StoredRows(exit_row, aids)
                alone = build_request(ctx, dossier, as_of=ctx.today, documents=parts)
                given = build_request(
                    ctx, dossier, as_of=ctx.today, documents=parts, stored=stored, person=person
                )
                assert given == alone
                assert check_documents(ctx, dossier, documents, stored) == check_documents(
                    ctx, dossier, documents
                )
                seen["exit"] += exit_row is not None
                seen["several aids"] += len(aids) > 1
                seen["history"] += bool(person["remunerated_trainings"])
                seen["shared NIR"] += nir_hash is not None and bool(
                    session.scalar(
                        select(Document.id)
                        .join(Dossier, Dossier.id == Document.dossier_id)
                        .where(
                            Dossier.trainee_id != dossier.trainee_id,
                            Document.kind == DocumentKind.VITALE.value,
                            Document.nir_hash == nir_hash,
                        )
                        .limit(1)
                    )
                )
    finally:
        engine.dispose()
    assert all(seen[case] for case in ("exit", "several aids", "history", "shared NIR")), seen
