"""`/metrics` in the Prometheus text format: HTTP requests by route template (count, latency) and
the state of the work, read from the database at scrape time (open cases by status, breached
service levels, payments pending, every job's last run, last success and next slot).

Requests are counted per process (each API worker exposes its own counters; Prometheus sums
them). The state gauges come from `STATE_SOURCES`: small functions of a session and the time,
one per family. A source whose tables do not exist yet (the case queue, the payments) answers
nothing instead of failing; the packages that own those tables may replace their entry with a
precise query of their own.

Access: `/metrics` needs `Authorization: Bearer <REMU_METRICS_TOKEN>` and is off (404) when no
token is configured. The figures hold no personal data, but volumes of payments and cases are
the Region's business, and a token costs a Prometheus scraper one line of configuration.
"""

from __future__ import annotations

import bisect
import hmac
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from fastapi import APIRouter, Header, Request, Response
from sqlalchemy import column, func, inspect, select, table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.deps import get_state
from remuneration.cases.domain import ACTIVE_STATUSES

__all__ = [
    "LATENCY_BUCKETS",
    "STATE_SOURCES",
    "JobStateView",
    "JobStatesReader",
    "MetricsMiddleware",
    "RequestMetrics",
    "Sample",
    "StateSource",
    "no_jobs",
    "router",
]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_UNMATCHED = "<hors route>"
_PENDING_PAYMENTS = ("prepared",)  # in a prepared batch, not yet released to the bank


@dataclass(frozen=True, slots=True)
class Sample:
    """One value of a gauge family, with its labels."""

    labels: Mapping[str, str]
    value: float


@dataclass(frozen=True, slots=True)
class StateSource:
    """A gauge family computed at scrape time."""

    name: str
    help: str
    read: Callable[[Session, datetime], list[Sample]]


@dataclass
class _Histogram:
    buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    total: float = 0.0
    count: int = 0


class RequestMetrics:
    """Request counters and latency histograms of this process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, str], int] = {}
        self._latency: dict[tuple[str, str], _Histogram] = {}

    def observe(self, *, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        with self._lock:
            key = (method, route, str(status))
            self._counts[key] = self._counts.get(key, 0) + 1
            histogram = self._latency.setdefault((method, route), _Histogram())
            index = bisect.bisect_left(LATENCY_BUCKETS, seconds)
            for position in range(index, len(LATENCY_BUCKETS)):
                histogram.buckets[position] += 1
            histogram.total += seconds
            histogram.count += 1

    def render(self) -> list[str]:
        """The request families in the text format."""
        lines = [
            "# HELP remu_http_requests_total Requêtes HTTP par route (modèle) et statut.",
            "# TYPE remu_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), count in sorted(self._counts.items()):
                labels = _labels({"method": method, "route": route, "status": status})
                lines.append(f"remu_http_requests_total{labels} {count}")
            lines += [
                "# HELP remu_http_request_duration_seconds Durée des requêtes HTTP par route.",
                "# TYPE remu_http_request_duration_seconds histogram",
            ]
            for (method, route), histogram in sorted(self._latency.items()):
                lines += _histogram_lines(method, route, histogram)
        return lines


def _histogram_lines(method: str, route: str, histogram: _Histogram) -> list[str]:
    name = "remu_http_request_duration_seconds"
    base = {"method": method, "route": route}
    lines = [
        f"{name}_bucket{_labels({**base, 'le': str(bound)})} {count}"
        for bound, count in zip(LATENCY_BUCKETS, histogram.buckets, strict=True)
    ]
    lines.append(f"{name}_bucket{_labels({**base, 'le': '+Inf'})} {histogram.count}")
    lines.append(f"{name}_sum{_labels(base)} {histogram.total:.6f}")
    lines.append(f"{name}_count{_labels(base)} {histogram.count}")
    return lines


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{key}="{_escape(value)}"' for key, value in labels.items())
    return "{" + inner + "}"


class MetricsMiddleware:
    """Count every HTTP request under its route template (never the raw path: it holds ids)."""

    def __init__(self, app: ASGIApp, *, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or _UNMATCHED
            self.metrics.observe(
                method=str(scope.get("method", "")),
                route=route,
                status=status,
                seconds=time.perf_counter() - started,
            )


def _columns(session: Session, name: str) -> set[str]:
    """The columns of table `name`, or an empty set when it does not exist (yet)."""
    inspector = inspect(session.connection())
    if not inspector.has_table(name):
        return set()
    return {str(c["name"]) for c in inspector.get_columns(name)}


def open_cases_by_status(session: Session, now: datetime) -> list[Sample]:
    """Open cases (new, open, waiting for the trainee) by status; nothing before the case queue."""
    if "status" not in _columns(session, "cases"):
        return []
    cases = table("cases", column("status"))
    query = (
        select(cases.c.status, func.count())
        .where(cases.c.status.in_(sorted(ACTIVE_STATUSES)))
        .group_by(cases.c.status)
    )
    found = {str(status): int(count) for status, count in session.execute(query)}
    return [Sample({"status": status}, found.get(status, 0)) for status in sorted(ACTIVE_STATUSES)]


def breached_slas(session: Session, now: datetime) -> list[Sample]:
    """Open cases past a due date, by clock (`*_due` columns of the cases table)."""
    available = _columns(session, "cases")
    clocks = [
        c for c in ("first_response_due", "next_response_due", "resolution_due") if c in available
    ]
    if "status" not in available or not clocks:
        return []
    samples = []
    for clock in clocks:
        cases = table("cases", column("status"), column(clock))
        query = (
            select(func.count())
            .select_from(cases)
            .where(cases.c.status.in_(sorted(ACTIVE_STATUSES)), cases.c[clock] < now)
        )
        samples.append(
            Sample({"clock": clock.removesuffix("_due")}, int(session.scalar(query) or 0))
        )
    return samples


def payments_pending(session: Session, now: datetime) -> list[Sample]:
    """Payments prepared in a batch and not yet released to the bank; nothing before the payments
    tables exist."""
    if "status" not in _columns(session, "payments"):
        return []
    payments = table("payments", column("status"))
    query = (
        select(func.count()).select_from(payments).where(payments.c.status.in_(_PENDING_PAYMENTS))
    )
    return [Sample({}, int(session.scalar(query) or 0))]


STATE_SOURCES: tuple[StateSource, ...] = (
    StateSource(
        "remu_cases_open", "Dossiers de relation usagers ouverts, par statut.", open_cases_by_status
    ),
    StateSource(
        "remu_cases_sla_breached",
        "Cas ouverts en dépassement de délai, par horloge.",
        breached_slas,
    ),
    StateSource(
        "remu_payments_pending",
        "Paiements préparés, pas encore transmis à la banque.",
        payments_pending,
    ),
)


def _gauge(name: str, help_text: str, samples: Sequence[Sample]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines += [f"{name}{_labels(s.labels)} {_number(s.value)}" for s in samples]
    return lines


def _number(value: float) -> str:
    """The exact text of a sample: integers (timestamps, counts) in full, never `1.79688e+09`."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


class JobStateView(Protocol):
    """What the metrics show of a scheduled job (the scheduler door's state, read-only)."""

    @property
    def name(self) -> str: ...
    @property
    def last_status(self) -> str | None: ...
    @property
    def last_success(self) -> datetime | None: ...
    @property
    def next_run(self) -> datetime | None: ...


JobStatesReader = Callable[[Session, datetime], Sequence[JobStateView]]
"""The jobs' states at a moment: the composition root binds the scheduler's table to it."""


def no_jobs(_session: Session, _now: datetime) -> Sequence[JobStateView]:
    """An application without scheduled jobs (tests of the HTTP door alone)."""
    return ()


def _job_lines(session: Session, job_states: JobStatesReader, now: datetime) -> list[str]:
    states = job_states(session, now)
    success = [
        Sample({"job": s.name}, s.last_success.timestamp()) for s in states if s.last_success
    ]
    status = [Sample({"job": s.name, "status": s.last_status or "never"}, 1) for s in states]
    failed = [Sample({"job": s.name}, 1 if s.last_status == "failed" else 0) for s in states]
    upcoming = [Sample({"job": s.name}, s.next_run.timestamp()) for s in states if s.next_run]
    return [
        *_gauge("remu_job_last_success_timestamp_seconds", "Dernière exécution réussie.", success),
        *_gauge("remu_job_last_run_status", "Statut de la dernière exécution.", status),
        *_gauge("remu_job_last_run_failed", "1 si la dernière exécution a échoué.", failed),
        *_gauge("remu_job_next_run_timestamp_seconds", "Prochain créneau.", upcoming),
    ]


def _state_lines(session: Session, jobs: JobStatesReader, now: datetime) -> list[str]:
    lines: list[str] = []
    errors: list[Sample] = []
    for source in (*STATE_SOURCES,):
        try:
            lines += _gauge(source.name, source.help, source.read(session, now))
        except SQLAlchemyError:
            session.rollback()
            errors.append(Sample({"source": source.name}, 1))
    lines += _job_lines(session, jobs, now)
    lines += _gauge("remu_metrics_source_errors", "Sources de métriques en erreur.", errors)
    return lines


router = APIRouter(tags=["santé"])


def _authorised(expected: str | None, authorization: str | None) -> bool:
    if expected is None or not authorization:
        return False
    scheme, _, credential = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(credential.strip(), expected)


@router.get("/metrics", summary="Métriques Prometheus", include_in_schema=False)
def metrics(request: Request, authorization: str | None = Header(default=None)) -> Response:
    """Requests of this process and the state of the work, in the text format."""
    state = get_state(request)
    token = state.settings.metrics_token
    if token is None:
        return Response("Métriques désactivées (REMU_METRICS_TOKEN).\n", status_code=404)
    if not _authorised(token.get_secret_value(), authorization):
        return Response(
            "Jeton des métriques requis.\n", status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    lines = request.app.state.request_metrics.render()
    with state.read_sessions() as session:
        lines += _state_lines(session, request.app.state.job_states, state.clock())
    return Response("\n".join(lines) + "\n", media_type=CONTENT_TYPE)
