"""`remu users set-password` gives an agent a console password (policy in French, never as an
argument); the demo prints one sign-in per role; the password signs in through the form."""

from __future__ import annotations

import base64
import io
import secrets
from pathlib import Path

import pytest

from api.cli.passwords import console_url, print_sign_ins
from api.composition import main
from api.http.app import create_app
from api.settings import Settings
from remuneration.demo.loader import demo_password, demo_sign_ins
from tests.console.conftest import BASE_URL
from tests.console.support import sign_in
from tests.dbsupport import client_class, database_url_for, fresh_database

GOOD_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
GOOD_SECRET = secrets.token_urlsafe(48)


def test_set_password_then_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = database_url_for(tmp_path)
    fresh_database(url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REMU_JWT_SECRET", GOOD_SECRET)
    monkeypatch.setenv("REMU_DATA_KEY", GOOD_KEY)
    assert main(["users", "create", "--name", "bea", "--role", "finance"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("court\n"))
    assert main(["users", "set-password", "--user", "bea", "--password-stdin"]) == 2
    assert "au moins 12 caractères" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("un mot de passe assez long\n"))
    assert main(["users", "set-password", "--user", "bea", "--password-stdin"]) == 0
    assert "Mot de passe de la console défini pour bea." in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("un mot de passe assez long\n"))
    assert main(["users", "set-password", "--user", "personne", "--password-stdin"]) == 2

    app = create_app(Settings())
    try:
        client = client_class()(app, base_url=BASE_URL)
        assert sign_in(client, "bea", "un mot de passe assez long").status_code == 303
        assert sign_in(client_class()(app, base_url=BASE_URL), "bea", "autre").status_code == 401
    finally:
        app.state.engine.dispose()


def test_the_demo_prints_one_sign_in_per_agent_role() -> None:
    out = io.StringIO()
    print_sign_ins(file=out, url=console_url(port=8123))
    text = out.getvalue()
    assert "ouvrez http://127.0.0.1:8123/ et connectez-vous" in text
    for role, name, password in demo_sign_ins():
        assert name in text and password in text, role
        assert password == demo_password(name)
    assert "demo-organisation" not in text  # organisations use the API
    assert {role for role, _, _ in demo_sign_ins()} >= {
        "instructor",
        "relation_usagers",
        "finance",
        "supervisor",
        "admin",
    }


def test_the_console_address_is_the_one_served() -> None:
    assert console_url() == "http://127.0.0.1:8000/"
    assert console_url("0.0.0.0", 8123) == "http://127.0.0.1:8123/"
    assert console_url("::", 9000) == "http://127.0.0.1:9000/"
    assert console_url("::1", 9000) == "http://[::1]:9000/"
    assert console_url("remu.region.test", 443) == "http://remu.region.test:443/"
