"""A replaced document keeps its earlier version (file included) until retention: then the
earlier files are deleted with the current one and the history of an anonymised dossier goes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select

from remuneration.db.models import DocumentVersion
from remuneration.db.session import make_session_factory
from remuneration.domain.vocabulary import DocumentKind
from remuneration.jobs import retention_purge
from remuneration.services.context import ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.documents import DocumentRequest, put_document
from remuneration.services.inputs import IdentityInput, UploadedFile
from remuneration.services.protection import FieldProtector
from tests.remuneration.jobs_support import AGENT, PDF, build_dossier, closed_at


def test_earlier_versions_go_with_the_dossier(
    remu_engine: Engine, protector: FieldProtector, tmp_path: object
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    store = DocumentStore(tmp_path / "store", protector)
    with make_session_factory(remu_engine).begin() as session:
        ctx = ServiceContext(
            session=session,
            actor=AGENT,
            now=datetime(2024, 6, 15, 9, tzinfo=UTC),
            protector=protector,
        )
        built = build_dossier(ctx, store, random.Random(11), last_name="Versions")
        put_document(
            ctx,
            built.dossier,
            DocumentRequest(
                kind=DocumentKind.IDENTITY,
                verified=True,
                identity=IdentityInput("passport", date(2031, 1, 1), "19AB12345"),
                upload=UploadedFile(PDF + b"% passeport"),
            ),
            store=store,
            max_bytes=1_000_000,
        )
        closed_at(built.dossier, datetime(2024, 6, 20, 10, tzinfo=UTC))
        session.flush()
        [earlier] = session.scalars(
            select(DocumentVersion).where(DocumentVersion.dossier_id == built.dossier.id)
        ).all()
        earlier_file = earlier.stored_name
    assert earlier_file is not None and store.read(earlier_file) == PDF

    with make_session_factory(remu_engine).begin() as session:
        counts = retention_purge(
            session,
            today=date(2030, 6, 15),
            now=datetime(2030, 6, 15, 0, 30, tzinfo=UTC),
            protector=protector,
            delete_file=store.delete,
        )
    assert counts["dossiers"] >= 1
    assert not (tmp_path / "store" / earlier_file).exists()
    with make_session_factory(remu_engine)() as session:
        left = session.scalar(
            select(func.count()).where(DocumentVersion.dossier_id == built.dossier.id)
        )
    assert left == 0
