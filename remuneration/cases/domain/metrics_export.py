"""Metrics as JSON-ready dicts and as CSV for Excel (French profile).

The CSV follows the project's French Excel profile: UTF-8 with a byte-order mark, ``;`` as the
separator, a decimal comma, CRLF line ends, and any text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return prefixed with ``'`` so that a spreadsheet never runs it
as a formula. Figures are formatted here, never computed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from .metrics import ClockCompliance, Compliance, DurationStats, QueueMetrics
from .service_levels import ClockKind
from .vocabulary import CATEGORY_LABELS, STATUS_LABELS, AgentId

__all__ = ["CSV_HEADER", "metrics_to_csv", "metrics_to_json"]

CSV_HEADER = ("indicateur", "axe", "valeur_axe", "mesure", "valeur")
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_CENT = Decimal("0.01")
_CLOCK_TITLES = {
    ClockKind.FIRST_RESPONSE: "Respect du délai de première réponse",
    ClockKind.NEXT_RESPONSE: "Respect du délai de réponse suivante",
    ClockKind.RESOLUTION: "Respect du délai de résolution",
}
Row = tuple[str, str, str, str, str]
JsonDict = dict[str, object]
AgentNames = Mapping[AgentId, str]
"""Display names of agents (the service knows them); an agent without a name shows its id."""
_NO_NAMES: AgentNames = {}


def metrics_to_json(metrics: QueueMetrics, *, agent_names: AgentNames = _NO_NAMES) -> JsonDict:
    """Plain dicts, lists, ints, strings, None; rates as decimal strings, durations in seconds;
    agent ids as strings, with the agent's name when ``agent_names`` knows it."""
    return {
        "case_count": metrics.case_count,
        "backlog": {
            "by_status": {status.value: n for status, n in metrics.backlog_by_status},
            "by_category": {category.value: n for category, n in metrics.backlog_by_category},
        },
        "compliance": {
            item.clock.value: _compliance_json(item, agent_names) for item in metrics.compliance
        },
        "time_to_resolve": {
            "business": _stats_json(metrics.business_time_to_resolve),
            "calendar": _stats_json(metrics.calendar_time_to_resolve),
        },
        "weekly": [
            {"week": w.week, "opened": w.opened, "resolved": w.resolved} for w in metrics.weekly
        ],
    }


def metrics_to_csv(metrics: QueueMetrics, *, agent_names: AgentNames = _NO_NAMES) -> bytes:
    """One figure per row (``indicateur;axe;valeur_axe;mesure;valeur``), UTF-8 with BOM; an
    agent is shown by name when ``agent_names`` knows it, else by id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in _rows(metrics, agent_names):
        writer.writerow([_inert(cell) for cell in row[:4]] + [row[4]])
    return buffer.getvalue().encode("utf-8-sig")


def _rows(metrics: QueueMetrics, agent_names: AgentNames) -> Iterator[Row]:
    for status, count in metrics.backlog_by_status:
        yield ("Stock", "statut", STATUS_LABELS[status], "dossiers", str(count))
    for category, count in metrics.backlog_by_category:
        yield ("Stock", "motif", CATEGORY_LABELS[category], "dossiers", str(count))
    for item in metrics.compliance:
        yield from _compliance_rows(item, agent_names)
    yield from _stats_rows(
        "Délai de résolution en heures ouvrées", metrics.business_time_to_resolve
    )
    yield from _stats_rows(
        "Délai de résolution en heures réelles", metrics.calendar_time_to_resolve
    )
    for week in metrics.weekly:
        yield ("Flux hebdomadaire", "semaine", week.week, "ouverts", str(week.opened))
        yield ("Flux hebdomadaire", "semaine", week.week, "résolus", str(week.resolved))


def _compliance_rows(item: ClockCompliance, agent_names: AgentNames) -> Iterator[Row]:
    title = _CLOCK_TITLES[item.clock]
    yield from _one_compliance(title, "ensemble", "", item.overall)
    for agent, compliance in item.by_agent:
        label = "(non attribué)" if agent is None else agent_names.get(agent, str(agent))
        yield from _one_compliance(title, "agent", label, compliance)
    for team, compliance in item.by_team:
        yield from _one_compliance(title, "équipe", team or "(sans équipe)", compliance)


def _one_compliance(title: str, axis: str, key: str, compliance: Compliance) -> Iterator[Row]:
    rate = compliance.rate_percent
    yield (title, axis, key, "respectés", str(compliance.met))
    yield (title, axis, key, "dépassés", str(compliance.breached))
    yield (title, axis, key, "taux (%)", "" if rate is None else _decimal_comma(rate))


def _stats_rows(title: str, stats: DurationStats) -> Iterator[Row]:
    yield (title, "ensemble", "", "dossiers résolus", str(stats.count))
    yield (title, "ensemble", "", "médiane", _hours(stats.median))
    yield (title, "ensemble", "", "90e centile", _hours(stats.p90))


def _compliance_json(item: ClockCompliance, agent_names: AgentNames) -> JsonDict:
    return {
        "overall": _one_compliance_json(item.overall),
        "by_agent": [_agent_json(agent, value, agent_names) for agent, value in item.by_agent],
        "by_team": [{"team": team, **_one_compliance_json(value)} for team, value in item.by_team],
    }


def _agent_json(agent: AgentId | None, value: Compliance, agent_names: AgentNames) -> JsonDict:
    entry: JsonDict = {"agent_id": None if agent is None else str(agent)}
    if agent is not None and agent in agent_names:
        entry["agent_name"] = agent_names[agent]
    return {**entry, **_one_compliance_json(value)}


def _one_compliance_json(compliance: Compliance) -> JsonDict:
    rate = compliance.rate_percent
    return {
        "met": compliance.met,
        "breached": compliance.breached,
        "rate_percent": None if rate is None else str(rate),
    }


def _stats_json(stats: DurationStats) -> JsonDict:
    return {
        "count": stats.count,
        "median_seconds": _seconds(stats.median),
        "p90_seconds": _seconds(stats.p90),
    }


def _seconds(duration: timedelta | None) -> int | None:
    return None if duration is None else duration // timedelta(seconds=1)


def _hours(duration: timedelta | None) -> str:
    if duration is None:
        return ""
    hours = Decimal(duration // timedelta(microseconds=1)) / Decimal(3_600_000_000)
    return _decimal_comma(hours.quantize(_CENT, rounding=ROUND_HALF_UP))


def _decimal_comma(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def _inert(cell: str) -> str:
    return f"'{cell}" if cell.startswith(_FORMULA_TRIGGERS) else cell
