"""Run the Alembic migrations from code (the `remu migrate` command, first start, test fixtures).

The schema is only ever built by the migrations, never by `create_all`, so that what the tests
exercise is what production runs.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy import Engine, MetaData, text

from alembic import command

__all__ = ["alembic_config", "drop_everything", "upgrade"]

_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    """The project's Alembic configuration pointed at `url`."""
    config = Config(str(_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(_ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`."""
    command.upgrade(alembic_config(url), revision)


def drop_everything(engine: Engine) -> None:
    """Empty a database completely: PostgreSQL drops and recreates schema `public`; SQLite drops
    every table in foreign-key order. Used by tests, never by anything that runs in production."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        return
    existing = MetaData()
    existing.reflect(bind=engine)
    existing.drop_all(bind=engine)
