"""`remu check-config`: is this installation ready to serve and to run its jobs?

Each check answers in French with what to do. Secrets are checked before anything else by the
settings themselves (the command refuses to start with a missing, short or well-known secret).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from api.settings import Settings, parameter_store
from payments.run_calendar import policy_payment_run_date
from remuneration.db.migrate import alembic_config
from remuneration.operations import load_operations_policy
from rules import ParameterError

__all__ = ["Check", "check_migrations", "run_checks"]


@dataclass(frozen=True, slots=True)
class Check:
    """One verified point: `ok`, and a French message."""

    name: str
    ok: bool
    message: str


def _database(engine: Engine) -> Check:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return Check("base", False, f"base injoignable ({type(error).__name__})")
    return Check("base", True, f"base joignable ({engine.dialect.name})")


def check_migrations(engine: Engine, settings: Settings) -> Check:
    """The schema is at the head of the migrations."""
    heads = set(ScriptDirectory.from_config(alembic_config(settings.database_url)).get_heads())
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        return Check("migrations", False, "version du schéma illisible")
    if current != heads:
        return Check("migrations", False, "schéma en retard : lancez « remu migrate »")
    return Check("migrations", True, "schéma à jour")


def _parameters(today: date) -> Check:
    try:
        store = parameter_store()
        load_operations_policy(on=today)
        policy_payment_run_date(today.year, today.month)
    except (ParameterError, ValueError, LookupError) as error:
        return Check("paramètres", False, f"paramètres refusés : {error}")
    return Check("paramètres", True, f"{len(store.ids)} paramètres valides ({store.digest[:12]}…)")


def _document_store(settings: Settings) -> Check:
    directory = settings.document_store_dir
    probe = directory / f".probe-{secrets.token_hex(8)}"
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        return Check("documents", False, f"dossier des pièces non inscriptible ({error.strerror})")
    return Check("documents", True, "dossier des pièces inscriptible")


def _metrics(settings: Settings) -> Check:
    if settings.metrics_token is None:
        return Check("métriques", True, "/metrics désactivé (REMU_METRICS_TOKEN non défini)")
    return Check("métriques", True, "/metrics protégé par jeton")


def run_checks(settings: Settings, engine: Engine, *, today: date) -> list[Check]:
    """Every check, in order; the migrations are only read when the database answers."""
    database = _database(engine)
    checks: list[Callable[[], Check]] = [
        lambda: Check("secrets", True, "secrets présents et assez forts"),
        lambda: database,
    ]
    if database.ok:
        checks.append(lambda: check_migrations(engine, settings))
    checks += [
        lambda: _parameters(today),
        lambda: _document_store(settings),
        lambda: _metrics(settings),
    ]
    return [check() for check in checks]
