"""The service refuses weak configuration; `remu users`, `remu tokens`, health probes."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Any

import jwt
import pytest
from pydantic import ValidationError

from api.composition import main
from api.settings import Settings
from remuneration.db.session import sqlite_file_url

GOOD_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
GOOD_SECRET = secrets.token_urlsafe(48)


@pytest.mark.parametrize(
    ("secret", "key"),
    [
        ("short-secret", GOOD_KEY),
        ("a" * 64, GOOD_KEY),
        ("changeme", GOOD_KEY),
        (GOOD_SECRET, base64.urlsafe_b64encode(b"0" * 16).decode()),
        (GOOD_SECRET, base64.urlsafe_b64encode(b"\x00" * 32).decode()),
        (GOOD_SECRET, "not base64 at all!"),
    ],
)
def test_weak_secrets_are_refused(secret: str, key: str) -> None:
    with pytest.raises(ValidationError):
        Settings(jwt_secret=secret, data_key=key)


def test_the_service_refuses_to_start_without_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REMU_JWT_SECRET", raising=False)
    monkeypatch.delenv("REMU_DATA_KEY", raising=False)
    assert main(["check-config"]) == 2
    assert main(["serve"]) == 2
    assert "REMU_JWT_SECRET" in capsys.readouterr().err


def test_users_and_tokens_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command line on its own embedded SQLite file, in both test modes (the API tests cover
    # PostgreSQL).
    url = sqlite_file_url(tmp_path / "remu-cli.sqlite3")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REMU_JWT_SECRET", GOOD_SECRET)
    monkeypatch.setenv("REMU_DATA_KEY", GOOD_KEY)
    assert main(["users", "create", "--name", "alice", "--role", "instructor"]) == 0
    capsys.readouterr()
    assert main(["tokens", "create", "--role", "instructor", "--user", "alice"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1
    claims = jwt.decode(printed.strip(), GOOD_SECRET, algorithms=["HS256"], audience="remu-api")
    assert claims["role"] == "instructor" and claims["name"] == "alice"
    assert main(["tokens", "create", "--role", "finance", "--user", "alice"]) == 2
    assert main(["tokens", "create", "--role", "finance", "--user", "bob"]) == 2
    assert "Utilisateur introuvable" in capsys.readouterr().err
    assert main(["check-config"]) == 0


def test_health_probes(api: Any) -> None:
    assert api.client.get("/health/live").json() == {"status": "ok"}
    ready = api.client.get("/health/ready")
    assert ready.status_code == 200 and ready.headers["x-request-id"]


def test_openapi_documents_examples_and_problems(api: Any) -> None:
    spec = api.app.openapi()
    create = spec["paths"]["/v1/dossiers"]["post"]
    assert "422" in create["responses"]
    schemas = spec["components"]["schemas"]
    assert schemas["DossierCreate"]["examples"]
    assert schemas["AttendancePut"]["examples"]
    assert "status" not in schemas["DossierPatch"]["properties"]
    assert schemas["DossierPatch"]["additionalProperties"] is False
