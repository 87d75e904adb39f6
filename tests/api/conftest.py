"""API tests run the real HTTP application on a real database migrated by Alembic."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.composition import create_app
from api.settings import issue_token
from remuneration.db.session import make_engine, make_session_factory
from remuneration.services.context import Role
from remuneration.services.users import create_user
from tests.api import builders
from tests.dbsupport import (
    MutableClock,
    client_class,
    database_url_for,
    default_now,
    fresh_database,
    make_settings,
)


@dataclass
class Api:
    """Everything an API test needs: the client, tokens per role, the database."""

    client: Any
    app: Any
    settings: Any
    clock: MutableClock
    engine: Engine
    tokens: dict[str, str]
    organisation_id: uuid.UUID
    other_organisation_id: uuid.UUID

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def session(self) -> Session:
        return make_session_factory(self.engine)()


def _users(
    api_engine: Engine, settings: Any, clock: MutableClock
) -> tuple[dict[str, str], uuid.UUID, uuid.UUID]:
    sessions = make_session_factory(api_engine)
    with sessions.begin() as session:
        own, other = builders.organisation_rows(session, clock.now)
        tokens: dict[str, str] = {}
        for role in Role:
            user = create_user(
                session,
                name=f"test-{role.value}",
                role=role,
                now=clock.now,
                organisation_id=own if role is Role.ORGANISATION else None,
            )
            tokens[role.value] = issue_token(settings, user=user, now=clock.now)
        second_instructor = create_user(
            session, name="test-instructor-2", role=Role.INSTRUCTOR, now=clock.now
        )
        tokens["instructor-2"] = issue_token(settings, user=second_instructor, now=clock.now)
        outsider = create_user(
            session,
            name="test-organisation-other",
            role=Role.ORGANISATION,
            now=clock.now,
            organisation_id=other,
        )
        tokens["organisation-other"] = issue_token(settings, user=outsider, now=clock.now)
    return tokens, own, other


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A fresh, migrated database and the application on it (one per test module)."""
    directory: Path = tmp_path_factory.mktemp("api")
    url = database_url_for(directory)
    fresh_database(url)
    settings = make_settings(url, directory)
    clock = MutableClock(default_now())
    engine = make_engine(url)
    tokens, own, other = _users(engine, settings, clock)
    app = create_app(settings, clock=clock)
    client = client_class()(app, raise_server_exceptions=False)
    try:
        yield Api(client, app, settings, clock, engine, tokens, own, other)
    finally:
        client.close()
        app.state.engine.dispose()
        engine.dispose()
