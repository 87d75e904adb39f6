"""The HTTP application: `create_app(settings)` wires the HTTP door; nothing happens at import."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI

from api.http.accounts import AccountReader
from api.http.console import install_console
from api.http.deps import AppState
from api.http.errors import install_error_handlers
from api.http.metrics import JobStatesReader, MetricsMiddleware, RequestMetrics, no_jobs
from api.http.metrics import router as metrics_router
from api.http.middleware import BodyLimits, RequestContextMiddleware
from api.http.routers import (
    attendance,
    cases,
    catalogue,
    documents,
    dossier_decisions,
    dossiers,
    evaluations,
    exports,
    health,
    letters,
    parameters,
    payments,
    payments_bank,
    payments_batches,
    people,
)
from api.settings import Settings, system_clock
from remuneration.db.session import make_engine, make_session_factory
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector, decode_master_key

__all__ = ["create_app", "settle_heap"]

_DESCRIPTION = """
API du moteur de rémunération des stagiaires de la formation professionnelle.

Authentification : `Authorization: Bearer <jeton>` (jeton signé, ou clé d'API d'un organisme).
Les erreurs sont au format `application/problem+json` (champ `errors` : chemins des champs).
Modifier un dossier exige l'en-tête `If-Match` (ETag du GET) ; les POST de création acceptent
`Idempotency-Key`. Le NIR et l'IBAN sont toujours masqués (l'IBAN complet : rôle finance).
"""


def settle_heap() -> None:
    """Take what the process has built before serving (modules, routes, templates, parameter
    sets: about 230 000 objects in the console bench's process) out of the cyclic garbage
    collector's full passes.

    Without it, every few hundred requests a full collection walked them all, about 130 ms of
    CPU landing on whichever request was running (measured on the month's reconciliation page:
    CPU p50 36 ms, max 174 ms; frozen: max 45 ms). Reference counting still frees these objects;
    the lifespan unfreezes them when the application stops.
    """
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = system_clock,
    job_states: JobStatesReader = no_jobs,
) -> FastAPI:
    """Build the application on the database and keys of `settings`; `job_states` shows the
    scheduled jobs in `/metrics` (bound by `api.composition`, the HTTP door does not know them)."""
    engine = make_engine(settings.database_url)
    protector = FieldProtector(decode_master_key(settings.data_key.get_secret_value()))
    accounts = AccountReader(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        settle_heap()
        try:
            yield
        finally:
            gc.unfreeze()
            accounts.close()
            engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="remu — rémunération des stagiaires",
        version="0.1.0",
        description=_DESCRIPTION,
        openapi_tags=[{"name": "dossiers", "description": "Dossiers de rémunération"}],
        docs_url=None,  # the console serves /docs from vendored assets
        redoc_url=None,
    )
    app.state.remu = AppState(
        settings=settings,
        write_sessions=make_session_factory(engine),
        read_sessions=make_session_factory(engine, read_only=True),
        protector=protector,
        document_store=DocumentStore(settings.document_store_dir, protector),
        clock=clock,
        accounts=accounts,
    )
    app.state.engine = engine
    install_error_handlers(app)
    # The stateless evaluation, the most requested route, is tried first: FastAPI tries the
    # routes in order, and 34 routes in 8 routers came before it (about 0.07 ms a request).
    # Not documented here: the API document keeps it in its place, below.
    app.include_router(evaluations.router, include_in_schema=False)
    for module in (
        health,
        catalogue,
        people,
        dossiers,
        documents,
        dossier_decisions,
        attendance,
        parameters,
        evaluations,
        payments_batches,
        payments,
        payments_bank,
        cases,
        letters,
        exports,
    ):
        app.include_router(module.router)
    app.include_router(metrics_router)
    app.state.job_states = job_states
    app.state.request_metrics = RequestMetrics()
    app.add_middleware(MetricsMiddleware, metrics=app.state.request_metrics)
    limits = BodyLimits(
        default_bytes=settings.max_body_bytes,
        # an upload travels in base64 (4/3 of its size) inside a small JSON object
        upload_bytes=settings.max_upload_bytes * 4 // 3 + 64 * 1024,
    )
    app.add_middleware(RequestContextMiddleware, limits=limits)
    install_console(app)
    return app
