"""Console tests run the real application on a real database migrated by Alembic, through an
HTTPS test client (the session cookie is `Secure`), signing in with the form like a browser."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.cli.main import load_demo_data
from api.http.app import create_app
from remuneration.db.session import make_engine, make_session_factory
from remuneration.services.context import Role
from remuneration.services.passwords import set_password
from remuneration.services.users import create_user
from tests.api import builders
from tests.console.support import sign_in
from tests.dbsupport import (
    MutableClock,
    client_class,
    database_url_for,
    default_now,
    fresh_database,
    make_settings,
)

BASE_URL = "https://testserver"


def password_of(name: str) -> str:
    """The test password of a test user."""
    return f"mot-de-passe-{name}"


@dataclass
class Console:
    """The application, its clock and database, and signed-in clients per user."""

    app: Any
    settings: Any
    clock: MutableClock
    engine: Engine
    clients: list[Any] = field(default_factory=list)

    def client(self) -> Any:
        """A new browser: no cookie yet."""
        client = client_class()(self.app, base_url=BASE_URL, raise_server_exceptions=False)
        self.clients.append(client)
        return client

    def agent(self, name: str) -> Any:
        """A new browser signed in as `name`."""
        client = self.client()
        response = sign_in(client, name, password_of(name))
        assert response.status_code == 303, response.text
        return client

    def session(self) -> Session:
        return make_session_factory(self.engine)()


def _users(engine: Engine, now: Any) -> None:
    with make_session_factory(engine).begin() as session:
        own, _other = builders.organisation_rows(session, now)
        for role in Role:
            name = f"test-{role.value}"
            user = create_user(
                session,
                name=name,
                role=role,
                now=now,
                display_name=f"Agent {role.value}",
                organisation_id=own if role is Role.ORGANISATION else None,
            )
            set_password(session, user=user, password=password_of(name), now=now)
        second = create_user(session, name="test-finance-2", role=Role.FINANCE, now=now)
        set_password(session, user=second, password=password_of("test-finance-2"), now=now)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A fresh database with one user per role (and a second finance agent)."""
    directory: Path = tmp_path_factory.mktemp("console")
    url = database_url_for(directory)
    fresh_database(url)
    settings = make_settings(url, directory, log_json=False)
    clock = MutableClock(default_now())
    engine = make_engine(url)
    _users(engine, clock.now)
    app = create_app(settings, clock=clock)
    world = Console(app, settings, clock, engine)
    try:
        yield world
    finally:
        for client in world.clients:
            client.close()
        app.state.engine.dispose()
        engine.dispose()


DEMO_NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
"""The demo world's moment: a Tuesday, demo trainings of 2024–2026 behind it."""


@dataclass
class DemoConsole(Console):
    """The console on `remu demo`'s data (40 trainees), demo users signing in with their
    demo passwords."""

    def agent(self, name: str) -> Any:
        client = self.client()
        response = sign_in(client, name, f"remu-{name}")
        assert response.status_code == 303, response.text
        return client


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoConsole]:
    """A fresh database loaded by `remu demo` (small), and the application on it."""
    directory: Path = tmp_path_factory.mktemp("console-demo")
    url = database_url_for(directory)
    fresh_database(url)
    settings = make_settings(url, directory, log_json=False)
    load_demo_data(settings, trainees=40, seed=2024, now=DEMO_NOW)
    clock = MutableClock(DEMO_NOW)
    engine = make_engine(url)
    app = create_app(settings, clock=clock)
    world = DemoConsole(app, settings, clock, engine)
    try:
        yield world
    finally:
        for client in world.clients:
            client.close()
        app.state.engine.dispose()
        engine.dispose()
