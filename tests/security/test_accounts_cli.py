"""Accounts from the command line (issue 11, point 7), on the API tests' database: no identity
made on the side, capped token lifetimes, deactivation and revocation effective at once, and an
audit event with the operator for every command."""

from __future__ import annotations

import getpass
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.composition import main
from remuneration.db.models import AuditEvent
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector, decode_master_key


@pytest.fixture
def operator_env(api: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", api.settings.database_url)
    monkeypatch.setenv("REMU_JWT_SECRET", api.settings.jwt_secret.get_secret_value())
    monkeypatch.setenv("REMU_DATA_KEY", api.settings.data_key.get_secret_value())
    monkeypatch.setenv("REMU_TOKEN_TTL_MINUTES", "480")
    return api


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_accounts_lifecycle(operator_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    api = operator_env
    api.clock.now = datetime.now(UTC)  # the command line signs with the real clock
    assert _run(capsys, "users", "create", "--name", "claire", "--role", "finance")[0] == 0
    status, _, err = _run(capsys, "tokens", "create", "--user", "mallory", "--role", "finance")
    assert status == 2 and "Utilisateur introuvable" in err
    status, _, err = _run(
        capsys, "tokens", "create", "--user", "claire", "--ttl-minutes", "100000000"
    )
    assert status == 2 and "entre 1 et 480 minutes" in err
    status, token, _ = _run(capsys, "tokens", "create", "--user", "claire", "--ttl-minutes", "60")
    assert status == 0
    status, key, _ = _run(capsys, "api-keys", "create", "--user", "claire")
    assert status == 0
    for credential in (token.strip(), key.strip()):
        answer = api.client.get("/v1/payments", headers={"Authorization": f"Bearer {credential}"})
        assert answer.status_code == 200, answer.text
    status, listed, _ = _run(capsys, "api-keys", "list", "--json")
    assert status == 0
    prefix = key.strip().split("_")[1]
    assert any(row["prefix"] == prefix and row["revoked_at"] is None for row in json.loads(listed))
    assert key.strip().split("_", 2)[2] not in listed  # never the secret
    status, table, _ = _run(capsys, "api-keys", "list")  # as an administrator reads it
    assert table.startswith("préfixe\tutilisateur\tlibellé\tcréée le\texpire le\trévoquée le\n")
    [line] = [row for row in table.splitlines() if row.startswith(f"{prefix}\tclaire\t")]
    assert re.fullmatch(r".*\t\d\d/\d\d/20\d\d \d\d:\d\d\t(—|[\d/: ]+)\t—", line), line
    assert key.strip().split("_", 2)[2] not in table
    assert _run(capsys, "api-keys", "revoke", prefix)[0] == 0
    revoked = api.client.get("/v1/payments", headers={"Authorization": f"Bearer {key.strip()}"})
    assert revoked.status_code == 401
    assert _run(capsys, "users", "deactivate", "--name", "claire")[0] == 0
    stopped = api.client.get("/v1/payments", headers={"Authorization": f"Bearer {token.strip()}"})
    assert stopped.status_code == 401
    status, _, err = _run(capsys, "tokens", "create", "--user", "claire")
    assert status == 2 and "désactivé" in err
    status, users, _ = _run(capsys, "users", "list", "--json")
    assert {"name": "claire", "active": False}.items() <= next(
        u for u in json.loads(users) if u["name"] == "claire"
    ).items()
    status, table, _ = _run(capsys, "users", "list")
    assert status == 0 and table.startswith("identifiant\tnom affiché\trôle\torganisme\tétat\tid\n")
    [line] = [row for row in table.splitlines() if row.startswith("claire\t")]
    assert line.split("\t")[1:5] == ["claire", "finance", "—", "désactivé"]
    with api.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "account")
        ).all()
    actions = [event.action for event in events]
    for action in (
        "user.created",
        "token.issued",
        "api_key.created",
        "api_keys.listed",
        "api_key.revoked",
        "user.deactivated",
        "users.listed",
    ):
        assert action in actions, actions
    operator = getpass.getuser()
    assert all(e.after and e.after["operator"] == operator for e in events)
    assert all(e.request_id and f":{operator[:24]}:" in e.request_id for e in events)


def test_cli_evaluation_of_hostile_json_exits_2(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"a":' * 3000 + "1" + "}" * 3000, encoding="utf-8")
    big = tmp_path / "big.json"
    big.write_text('{"training": {"total_hours": ' + "9" * 5000 + "}}", encoding="utf-8")
    for path, code in ((deep, "json_too_deep"), (big, "number_too_long")):
        done = subprocess.run(
            [sys.executable, "-m", "api.composition", "evaluate", str(path)],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        problem = json.loads(done.stderr)
        assert problem["code"] == "validation_error"
        assert problem["errors"][0]["code"] == code
        assert b"Traceback" not in done.stderr and b"sys." not in done.stderr


def test_check_config_names_the_refused_variables_in_french(
    operator_env: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REMU_METRICS_TOKEN", "short")
    status, _, err = _run(capsys, "check-config")
    assert status == 2
    assert "REMU_METRICS_TOKEN : le jeton des métriques doit faire au moins 32 caractères" in err
    assert "REMU_JWT_SECRET" not in err and "REMU_DATA_KEY" not in err
    assert "Value error" not in err and "String should" not in err


def test_retention_purge_lists_then_removes_orphan_files(
    operator_env: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    api = operator_env
    monkeypatch.setenv("REMU_DOCUMENT_STORE_DIR", str(api.settings.document_store_dir))
    protector = FieldProtector(decode_master_key(api.settings.data_key.get_secret_value()))
    store = DocumentStore(api.settings.document_store_dir, protector)
    orphan = store.save(b"%PDF-1.4 left by a crash")
    fresh = store.save(b"%PDF-1.4 an upload still in its transaction")
    old = time.time() - 2 * 3600
    os.utime(api.settings.document_store_dir / orphan, (old, old))
    status, out, _ = _run(capsys, "retention", "purge")
    assert status == 0
    report = json.loads(out)
    assert report["orphan_files"] == [orphan] and not report["applied"]
    assert (api.settings.document_store_dir / orphan).exists()
    status, out, _ = _run(capsys, "retention", "purge", "--apply")
    assert status == 0 and json.loads(out)["done"]["orphan_files_deleted"] == 1
    assert not (api.settings.document_store_dir / orphan).exists()
    assert (api.settings.document_store_dir / fresh).exists()
