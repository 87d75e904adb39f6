"""The stateless evaluation reads its caller's account its own way (`api.http.accounts`): on
SQLite on the event loop, on a connection of the loop's own that never waits, else in the
thread pool. It must answer the same when that connection fails. (Refusals of deactivated,
deleted, changed or expired accounts on their very next request: tests/security/
test_attacks.py, on this route too.)"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

from api.composition import create_app
from api.settings import issue_token
from remuneration.db.session import make_engine, make_session_factory, sqlite_file_url
from remuneration.services.context import Role
from remuneration.services.users import create_user
from tests.dbsupport import MutableClock, default_now, fresh_database, make_settings

EXAMPLE = Path(__file__).parents[1] / "rules" / "examples" / "01-granted-full-time-with-aids.json"


def _body() -> bytes:
    return json.dumps(json.loads(EXAMPLE.read_text(encoding="utf-8"))["request"]).encode()


def _sqlite_app(directory: Path) -> tuple[Any, str, Path]:
    """An application on a SQLite file of its own (whatever the suite's database), its one
    instructor's token, and the file."""
    path = directory / "remu.sqlite3"
    url = sqlite_file_url(path)
    fresh_database(url)
    settings = make_settings(url, directory)
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        user = create_user(session, name="agent", role=Role.INSTRUCTOR, now=default_now())
        token = issue_token(settings, user=user, now=default_now())
    engine.dispose()
    return create_app(settings, clock=MutableClock(default_now())), token, path


def test_a_failing_loop_connection_falls_back_to_the_thread_pool(tmp_path: Path) -> None:
    """The loop's own connection never waits on a lock (busy timeout 0); when it breaks, the
    read is made again in the thread pool (same answer), and the connection is opened again
    there for the next requests."""
    app, token, _ = _sqlite_app(tmp_path)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    accounts = app.state.remu.accounts

    async def three_requests() -> list[tuple[int, bytes, bool]]:
        transport = httpx.ASGITransport(app=app)
        answers = []
        async with httpx.AsyncClient(transport=transport, base_url="http://remu") as client:
            for _ in range(3):
                response = await client.post("/v1/evaluations", content=_body(), headers=headers)
                own = accounts._own
                answers.append((response.status_code, response.content, own is None))
                if own is not None:
                    assert own.execute("PRAGMA busy_timeout").fetchone() == (0,)
                    own.close()  # broken behind the reader's back
        return answers

    try:
        answers = asyncio.run(three_requests())
    finally:
        accounts.close()
        app.state.engine.dispose()
    assert [status for status, _, _ in answers] == [200, 200, 200]
    assert len({content for _, content, _ in answers}) == 1
    # opened after the first request, opened again after each failure
    assert [closed for _, _, closed in answers] == [False, False, False]
