"""`remu keys rotate`: after a full cycle, every sealed value and file reads with the new key
only, keyed hashes follow, and the service works on the new key as before."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.composition import create_app, main
from payments.files import file_sha256
from payments.models import PaymentBatch
from remuneration.db.models import AuditEvent, Document
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import DecryptionError, FieldProtector, decode_master_key
from tests.dbsupport import client_class
from tests.security.test_nothing_in_clear import NOW, _cycle, _secrets, _upload_scans

pytestmark = pytest.mark.slow


def test_rotation_reseals_everything(
    api: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _cycle(api)
    before = _secrets(api)
    _upload_scans(api, before)
    old = FieldProtector(decode_master_key(api.settings.data_key.get_secret_value()))
    new_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    new = FieldProtector(decode_master_key(new_key))
    with api.session() as session:
        batch = session.scalars(select(PaymentBatch)).first()
        assert batch is not None
        digest = file_sha256(session, batch.id, old)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", api.settings.database_url)
    monkeypatch.setenv("REMU_JWT_SECRET", api.settings.jwt_secret.get_secret_value())
    monkeypatch.setenv("REMU_DATA_KEY", api.settings.data_key.get_secret_value())
    monkeypatch.setenv("REMU_DOCUMENT_STORE_DIR", str(api.settings.document_store_dir))
    monkeypatch.setenv("REMU_NEW_DATA_KEY", api.settings.data_key.get_secret_value())
    assert main(["keys", "rotate"]) == 2  # the same key is refused
    monkeypatch.setenv("REMU_NEW_DATA_KEY", new_key)
    assert main(["keys", "rotate"]) == 0

    rotated = api.settings.model_copy(update={"data_key": type(api.settings.data_key)(new_key)})
    monkeypatch.setattr(api.settings, "data_key", rotated.data_key)
    assert _secrets(api) == before
    with api.session() as session:
        assert file_sha256(session, batch.id, new) == digest
        with pytest.raises(DecryptionError):
            file_sha256(session, batch.id, old)
        documents = session.scalars(select(Document)).all()
        for document in documents:
            if document.iban_encrypted is not None:
                iban = new.decrypt(document.iban_encrypted, context="documents.iban")
                assert document.iban_hash == new.keyed_hash(iban, context="documents.iban")
        store = DocumentStore(api.settings.document_store_dir, new)
        names = [d.stored_name for d in documents if d.stored_name]
        assert names and all(store.read(name).startswith(b"%PDF") for name in names)
        assert {p.name for p in api.settings.document_store_dir.iterdir()} == set(names)
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "data_key.rotated")
        ).all()
        assert event.after and event.after["payment_batch_chunks"] >= 1
    app = create_app(rotated, clock=lambda: NOW)
    client = client_class()(app, raise_server_exceptions=False)
    try:
        pain = client.get(f"/v1/payment-batches/{batch.id}/file", headers=api.headers("finance"))
        assert pain.status_code == 200 and b"<IBAN>" in pain.content
    finally:
        client.close()
        app.state.engine.dispose()
