"""Signing in and out of the console: cookie attributes, fixation, CSRF, timeouts, lock, audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import select

from api.http.console.sessions import LOGIN_COOKIE, SESSION_COOKIE
from remuneration.db.models import AuditEvent, ConsoleSession, User
from tests.console.conftest import Console, password_of
from tests.console.support import csrf_of, login_token_of, sign_in
from tests.dbsupport import default_now


@pytest.fixture(autouse=True)
def _clock_back(console: Console) -> Iterator[None]:
    yield
    console.clock.now = default_now()


def _set_cookie(response: object, name: str) -> SimpleCookie:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    for header in headers:
        if header.startswith(f"{name}="):
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            return cookie
    raise AssertionError(f"{name} not set in {headers}")


def _events(console: Console, action: str) -> list[AuditEvent]:
    with console.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _user_id(console: Console, name: str) -> object:
    with console.session() as session:
        return session.scalar(select(User.id).where(User.name == name))


def test_signing_in_sets_a_host_only_secure_strict_http_only_cookie(console: Console) -> None:
    client = console.client()
    response = sign_in(client, "test-instructor", password_of("test-instructor"), suite="/")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    morsel = _set_cookie(response, SESSION_COOKIE)[SESSION_COOKIE]
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"] == "strict"
    assert morsel["path"] == "/"
    assert not morsel["domain"]
    home = client.get("/")
    assert home.status_code == 200
    assert "Agent instructor" in home.text
    signed_in = [
        event
        for event in _events(console, "console.signed_in")
        if event.actor_id == _user_id(console, "test-instructor")
    ]
    assert signed_in and signed_in[-1].after == {"door": "console"}


def test_signing_in_always_gives_a_new_session_and_ends_the_old_one(console: Console) -> None:
    client = console.agent("test-finance")
    first = client.cookies.get(SESSION_COOKIE)
    assert first
    again = sign_in(client, "test-finance", password_of("test-finance"))
    second = _set_cookie(again, SESSION_COOKIE)[SESSION_COOKIE].value
    assert second != first
    stale = console.client()
    stale.cookies.set(SESSION_COOKIE, first, domain="testserver")
    assert stale.get("/", follow_redirects=False).status_code == 303
    with console.session() as session:
        reasons = set(session.scalars(select(ConsoleSession.end_reason)))
    assert "replaced" in reasons


def test_a_session_id_planted_before_sign_in_is_not_adopted(console: Console) -> None:
    client = console.client()
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver")
    response = sign_in(client, "test-supervisor", password_of("test-supervisor"))
    assert response.status_code == 303
    issued = _set_cookie(response, SESSION_COOKIE)[SESSION_COOKIE].value
    assert issued != "planted-by-an-attacker"
    planted = console.client()
    planted.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver")
    assert planted.get("/", follow_redirects=False).headers["location"] == "/connexion"


def test_a_wrong_password_is_refused_in_french_and_audited(console: Console) -> None:
    client = console.client()
    response = sign_in(client, "test-instructor", "pas-le-bon-mot-de-passe")
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in response.text
    assert "<h2>Connexion impossible</h2>" in response.text  # not a record that failed
    assert 'aria-invalid="true"' in response.text
    assert 'href="#name"' in response.text  # the error summary links to the field
    assert SESSION_COOKIE not in client.cookies
    unknown = sign_in(client, "personne", "un-mot-de-passe-quelconque")
    assert unknown.status_code == 401
    refused = _events(console, "console.sign_in_refused")
    assert any(event.entity_id == "inconnu" for event in refused)
    assert all("personne" not in str(event.after) for event in refused)


def test_five_failures_lock_the_account_for_fifteen_minutes(console: Console) -> None:
    client = console.client()
    for _ in range(5):
        assert sign_in(client, "test-admin", "mauvais-mot-de-passe").status_code == 401
    locked = sign_in(client, "test-admin", password_of("test-admin"))
    assert locked.status_code == 401
    console.clock.now = default_now() + timedelta(minutes=16)
    assert sign_in(client, "test-admin", password_of("test-admin")).status_code == 303


def test_the_sign_in_form_needs_its_own_token(console: Console) -> None:
    client = console.client()
    client.get("/connexion")
    assert LOGIN_COOKIE in client.cookies
    forged = client.post(
        "/connexion",
        data={
            "name": "test-instructor",
            "password": password_of("test-instructor"),
            "login_token": "forged",
        },
        follow_redirects=False,
    )
    assert forged.status_code == 400
    assert "Le formulaire a expiré" in forged.text
    assert SESSION_COOKIE not in client.cookies
    blank = client.post(
        "/connexion",
        data={"name": "", "password": "", "login_token": login_token_of(forged.text)},
    )
    assert blank.status_code == 400
    assert "Indiquez votre identifiant." in blank.text
    assert "Indiquez votre mot de passe." in blank.text


def test_organisations_use_the_api_not_the_console(console: Console) -> None:
    response = sign_in(console.client(), "test-organisation", password_of("test-organisation"))
    assert response.status_code == 403
    assert "utilisent l'API" in response.text


def test_an_idle_session_ends_after_thirty_minutes(console: Console) -> None:
    client = console.agent("test-relation_usagers")
    console.clock.now = default_now() + timedelta(minutes=29)
    assert client.get("/").status_code == 200
    console.clock.now += timedelta(minutes=29)
    assert client.get("/").status_code == 200  # activity moved the idle deadline
    console.clock.now += timedelta(minutes=31)
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion"
    with console.session() as session:
        assert "idle_timeout" in set(session.scalars(select(ConsoleSession.end_reason)))
    console.clock.now -= timedelta(minutes=31)
    assert client.get("/", follow_redirects=False).status_code == 303  # ended for good


def test_a_session_ends_ten_hours_after_sign_in_even_when_active(console: Console) -> None:
    client = console.agent("test-supervisor")
    for _ in range(29):  # 9 h 40 of activity, never idle
        console.clock.now += timedelta(minutes=20)
        assert client.get("/", follow_redirects=False).status_code == 200
    console.clock.now += timedelta(minutes=21)
    assert client.get("/", follow_redirects=False).status_code == 303
    with console.session() as session:
        assert "absolute_timeout" in set(session.scalars(select(ConsoleSession.end_reason)))


def test_signing_out_needs_the_csrf_token_and_ends_the_session(console: Console) -> None:
    client = console.agent("test-instructor")
    home = client.get("/")
    refused = client.post("/deconnexion", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert "Formulaire expiré" in refused.text
    forged = client.post("/deconnexion", data={"csrf_token": "x" * 43}, follow_redirects=False)
    assert forged.status_code == 403
    assert client.get("/").status_code == 200  # still signed in
    out = client.post(
        "/deconnexion", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False
    )
    assert out.status_code == 303
    assert out.headers["location"] == "/connexion?fin=1"
    assert "Vous êtes déconnecté" in client.get("/connexion?fin=1").text
    assert client.get("/", follow_redirects=False).status_code == 303
    assert _events(console, "console.signed_out")


def test_the_csrf_token_may_come_in_a_header_for_htmx(console: Console) -> None:
    client = console.agent("test-instructor")
    token = csrf_of(client.get("/").text)
    out = client.post("/deconnexion", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert out.status_code == 303


def test_a_page_asks_for_sign_in_and_comes_back_after_it(console: Console) -> None:
    client = console.client()
    response = client.get("/accessibilite")
    assert response.status_code == 200  # the statement is public
    away = client.get("/docs")
    assert away.status_code == 200
    htmx = client.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 204
    assert htmx.headers["HX-Redirect"] == "/connexion"


def test_the_suite_target_cannot_leave_the_site(console: Console) -> None:
    client = console.client()
    for target in ("//evil.example/", "https://evil.example/", "/\\evil"):
        response = sign_in(client, "test-finance-2", password_of("test-finance-2"), target)
        assert response.headers["location"] == "/"
