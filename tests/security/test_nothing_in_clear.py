"""After a full demonstration cycle (demo data, a monthly run, its file downloaded and released,
a bank return imported, letters and exports produced), no NIR and no IBAN lies in clear in the
database (the SQLite file and its WAL; every row on PostgreSQL) nor in the document store."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.engine import make_url

from api.cli.main import load_demo_data
from api.settings import issue_token
from remuneration.db.models import Document, User
from remuneration.services.context import Role
from remuneration.services.protection import FieldProtector, decode_master_key
from remuneration.services.users import create_user
from tests.api.builders import check
from tests.payments.bankfiles import camt054

pytestmark = pytest.mark.slow

NOW = datetime(2026, 6, 15, 9, tzinfo=UTC)


def _fresh_tokens(api: Any) -> None:
    """The fixture's users, with tokens signed at the demonstration's date."""
    with api.session() as session:
        for role in ("instructor", "finance"):
            user = session.scalar(select(User).where(User.name == f"test-{role}"))
            api.tokens[role] = issue_token(api.settings, user=user, now=NOW)


def _keyed(api: Any, role: str) -> dict[str, str]:
    headers: dict[str, str] = api.headers(role, **{"Idempotency-Key": uuid.uuid4().hex})
    return headers


def _second_finance(api: Any) -> dict[str, str]:
    with api.session() as session, session.begin():
        user = create_user(session, name="scan-finance-2", role=Role.FINANCE, now=NOW)
        token = issue_token(api.settings, user=user, now=NOW)
    return {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}


def _cycle(api: Any) -> None:
    load_demo_data(api.settings, trainees=60, seed=2024, now=NOW)
    api.clock.now = NOW
    _fresh_tokens(api)
    body = {"kind": "monthly", "period": "2026-05", "execution_date": "2026-06-17"}
    run = check(api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance")), 201)
    assert run["batches"], run
    batch = run["batches"][0]
    release = {
        "number_of_transactions": batch["number_of_transactions"],
        "control_sum": batch["control_sum"],
    }
    check(
        api.client.post(
            f"/v1/payment-batches/{batch['id']}/release", json=release, headers=_second_finance(api)
        ),
        200,
    )
    pain = api.client.get(f"/v1/payment-batches/{batch['id']}/file", headers=api.headers("finance"))
    assert pain.status_code == 200 and b"<IBAN>" in pain.content
    payments = check(
        api.client.get("/v1/payments?page_size=5", headers=api.headers("finance")), 200
    )
    payment, paid = payments["items"][0], payments["items"][1]
    notice = camt054(
        "SCAN-NTF-01", [(payment["end_to_end_id"], Decimal(payment["amount"]), "AC04")]
    )
    iban = str(payment.get("iban", "")).replace(" ", "")
    assert "*" not in iban  # finance reads the full IBAN; the bank file names it too
    notice = notice.replace(b"<Document", f"<!-- {iban} -->\n<Document".encode(), 1)
    upload = {"file_name": "retours.xml", "content_base64": base64.b64encode(notice).decode()}
    check(api.client.post("/v1/bank-files", json=upload, headers=_keyed(api, "finance")), 201)
    letter = api.client.get(f"/v1/payments/{paid['id']}/notice", headers=api.headers("instructor"))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    for path in (f"/v1/exports/payment-runs/{run['id']}", "/v1/exports/periods/2026-05"):
        exported = api.client.get(path, headers=api.headers("finance"))
        assert exported.status_code == 200, exported.text


def _upload_scans(api: Any, secrets: set[str]) -> None:
    """Scanned pieces hold the very numbers: the store must keep them sealed."""
    listed = check(
        api.client.get(
            "/v1/dossiers?status=granted&page_size=3", headers=api.headers("instructor")
        ),
        200,
    )
    for item, secret in zip(listed["items"], sorted(secrets), strict=False):
        path = f"/v1/dossiers/{item['id']}"
        etag = api.client.get(path, headers=api.headers("instructor")).headers["ETag"]
        scan = b"%PDF-1.4\n% " + secret.encode() + b"\n%%EOF\n"
        check(
            api.client.put(
                f"{path}/documents/identity",
                json={"file_base64": base64.b64encode(scan).decode(), "verified": False},
                headers=api.headers("instructor", **{"If-Match": etag}),
            ),
            200,
        )


def _secrets(api: Any) -> set[str]:
    protector = FieldProtector(decode_master_key(api.settings.data_key.get_secret_value()))
    found: set[str] = set()
    with api.session() as session:
        for document in session.scalars(select(Document)):
            if document.nir_encrypted is not None:
                found.add(protector.decrypt(document.nir_encrypted, context="documents.nir"))
            if document.iban_encrypted is not None:
                found.add(protector.decrypt(document.iban_encrypted, context="documents.iban"))
    return found


def _forms(value: str) -> list[bytes]:
    spaced = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return [form.encode() for form in (value, spaced, value.lower())]


def _database_bytes(api: Any) -> bytes:
    url = make_url(api.settings.database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database
        files = [Path(url.database + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
        return b"".join(path.read_bytes() for path in files if path.exists())
    metadata = MetaData()
    metadata.reflect(api.engine)
    parts: list[bytes] = []
    with api.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for value in row:
                    parts.append(
                        bytes(value)
                        if isinstance(value, (bytes, memoryview))
                        else str(value).encode()
                    )
    return b"\n".join(parts)


def test_no_nir_and_no_iban_in_clear_after_a_full_cycle(api: Any) -> None:
    _cycle(api)
    secrets = _secrets(api)
    assert len(secrets) > 50
    _upload_scans(api, secrets)
    stored = _database_bytes(api)
    store: Path = api.settings.document_store_dir
    files = b"".join(path.read_bytes() for path in store.iterdir() if path.is_file())
    assert files
    leaks = sorted(
        value for value in secrets for form in _forms(value) if form in stored or form in files
    )
    assert not leaks, f"{len(leaks)} values in clear, e.g. {re.sub(r'[0-9]', '9', leaks[0])}"
