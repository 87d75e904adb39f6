"""The RGPD export (art. 15): everything about one trainee, NIR and IBAN masked unless asked,
and the export itself audited."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from remuneration.db.models import AuditEvent
from remuneration.db.session import make_session_factory
from remuneration.domain.attendance import AttendanceEntry
from remuneration.domain.errors import NotFound
from remuneration.domain.masking import mask_iban, mask_nir
from remuneration.services import attendance
from remuneration.services.context import ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.gdpr import export_trainee
from remuneration.services.inputs import AttendanceLineInput
from remuneration.services.protection import FieldProtector
from remuneration.services.system_actor import system_context
from rules.periods import Month
from tests.remuneration.jobs_support import AGENT, Built, build_dossier

NOW = datetime(2024, 6, 15, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def built(
    remu_engine: Engine, protector: FieldProtector, tmp_path_factory: pytest.TempPathFactory
) -> Built:
    store = DocumentStore(tmp_path_factory.mktemp("store"), protector)
    with make_session_factory(remu_engine).begin() as session:
        ctx = ServiceContext(session=session, actor=AGENT, now=NOW, protector=protector)
        result = build_dossier(ctx, store, random.Random(9), last_name="Durand")
        build_dossier(ctx, store, random.Random(10), last_name="Autre")
        entry = AttendanceEntry(
            Decimal(140), Decimal(133), Decimal(7), Decimal(0), Decimal(0), None
        )
        attendance.put_statement(
            ctx,
            result.training.id,
            Month(2024, 4),
            [AttendanceLineInput(result.dossier.id, entry)],
            expected_version=None,
        )
    return result


def _export(
    engine: Engine, protector: FieldProtector, trainee_id: uuid.UUID, reveal: bool
) -> dict[str, Any]:
    with make_session_factory(engine).begin() as session:
        ctx = system_context(session, now=NOW, protector=protector, request_id="test-gdpr")
        return export_trainee(ctx, trainee_id, reveal=reveal)


def test_the_export_holds_everything_about_the_trainee_masked(
    remu_engine: Engine, protector: FieldProtector, built: Built
) -> None:
    exported = _export(remu_engine, protector, built.trainee.id, reveal=False)
    text = json.dumps(exported, ensure_ascii=False)
    assert exported["trainee"]["last_name"] == "Durand"
    assert [d["id"] for d in exported["dossiers"]] == [str(built.dossier.id)]
    dossier = exported["dossiers"][0]
    documents = {d["kind"]: d for d in dossier["documents"]}
    assert documents["vitale"]["nir"] == mask_nir(built.nir)
    assert documents["rib"]["iban"] == mask_iban(built.iban)
    assert documents["identity"]["file_kept"] is True
    assert dossier["decisions"][0]["result"]["decision"] in {"granted", "rejected", "incomplete"}
    assert dossier["attendance"][0]["month"] == "2024-04"
    assert dossier["attendance"][0]["attended_hours"] == "133.00"
    actions = {event["action"] for event in exported["audit_events"]}
    assert {"trainee.created", "dossier.created"} <= actions
    assert built.nir not in text and built.iban not in text and "Autre" not in text
    assert "input_encrypted" not in text and "stored_name" not in text


def test_revealing_needs_the_flag_and_every_export_is_audited(
    remu_engine: Engine, protector: FieldProtector, built: Built
) -> None:
    exported = _export(remu_engine, protector, built.trainee.id, reveal=True)
    documents = {d["kind"]: d for d in exported["dossiers"][0]["documents"]}
    assert documents["vitale"]["nir"] == built.nir and documents["rib"]["iban"] == built.iban
    with make_session_factory(remu_engine)() as session:
        audited = session.scalars(
            select(AuditEvent.after).where(
                AuditEvent.action == "gdpr.export", AuditEvent.entity_id == str(built.trainee.id)
            )
        ).all()
    assert [entry["revealed"] for entry in audited if entry] == [False, True]


def test_an_unknown_trainee_is_not_found(remu_engine: Engine, protector: FieldProtector) -> None:
    with pytest.raises(NotFound):
        _export(remu_engine, protector, uuid.uuid4(), reveal=False)
