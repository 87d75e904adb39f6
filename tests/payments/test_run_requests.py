"""The requests a run builds for every dossier of the demonstration data are read by the engine
exactly as the reader without fast paths reads them (same typed request, to the digit), and the
bulk facts are the very requests ``build_request`` gives dossier by dossier."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from payments.facts import load_facts
from remuneration.db.models import Dossier
from remuneration.db.session import make_engine, make_session_factory
from remuneration.demo.loader import load_demo
from remuneration.services.document_store import DocumentStore
from remuneration.services.evaluation_input import build_request
from remuneration.services.protection import FieldProtector
from remuneration.services.system_actor import system_context
from rules import InputError, contract, contract_reader, parse_request
from rules.contract_fields import REQUEST
from tests.dbsupport import database_url_for, fresh_database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _parsed(request: object, today: date) -> object:
    try:
        return parse_request(request, today=today)
    except InputError as error:
        return error.problems


def test_demo_requests_read_as_without_fast_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remu_db_url = database_url_for(tmp_path)
    fresh_database(remu_db_url)
    protector = FieldProtector(secrets.token_bytes(32))
    store = DocumentStore(tmp_path / "documents", protector)
    load_demo(remu_db_url, protector, store, trainees=60, seed=2024, now=NOW)
    engine = make_engine(remu_db_url)
    try:
        with make_session_factory(engine, read_only=True)() as session:
            ctx = system_context(session, now=NOW, protector=protector, request_id="test")
            ids = list(session.scalars(select(Dossier.id).order_by(Dossier.reference)))
            facts = load_facts(session, protector, ids, as_of=ctx.today)
            for item in facts:
                dossier = session.get_one(Dossier, item.dossier_id)
                assert item.request == build_request(ctx, dossier, as_of=ctx.today)
    finally:
        engine.dispose()
    assert len(facts) == len(ids) > 50
    fast = [_parsed(item.request, NOW.date()) for item in facts]
    with monkeypatch.context() as patched:
        patched.setattr(contract_reader, "_USUAL", {})
        patched.setattr(contract, "_READ_REQUEST", contract_reader.compile_object(REQUEST))
        reference = [_parsed(item.request, NOW.date()) for item in facts]
    assert fast == reference
    assert sum(not isinstance(value, list) for value in fast) > 50
