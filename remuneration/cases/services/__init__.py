"""Use cases of the relation-usagers queue (SQLAlchemy); they flush and never commit.

Every function takes a ``CaseContext`` (session, ``now``, actor — None for remu itself): time
is an argument. Errors are ``remuneration.domain.errors`` subclasses (``errors``), so the API
maps them in its one table.

- ``cases``: ``create_case`` (duplicate warning), ``get_case``, ``find_case`` (id or
  reference), ``list_cases`` (views mine, unassigned, breached, at_risk, waiting, active, all;
  sorted by deadline).
- ``workflow``: ``change_status`` (transition table, reasons, written answer), ``apply_case_macro``,
  ``merge_cases`` (final, audited); ``messages``: ``add_note``, ``record_message``.
- ``assignment``: ``claim_case`` (atomic), ``assign_case``, ``assign_round_robin``; ``teams``:
  teams, agents, caps and absences.
- ``sla``: ``case_clocks``, ``refresh_sla``, ``sweep_sla`` (at-risk and breach alerts fired once).
- ``automatic``: ``consume_case_requests``, ``detect_incomplete_dossiers``,
  ``detect_missing_attendance``; ``jobs.run_case_jobs`` runs them all and the sweep.
- ``metrics``: ``queue_metrics``.
"""

from remuneration.cases.services.assignment import assign_case, assign_round_robin, claim_case
from remuneration.cases.services.automatic import (
    AutomaticReport,
    consume_case_requests,
    detect_incomplete_dossiers,
    detect_missing_attendance,
)
from remuneration.cases.services.cases import (
    CaseInput,
    CasePage,
    CaseQuery,
    CreatedCase,
    QueueView,
    count_cases,
    create_case,
    find_case,
    get_case,
    list_cases,
)
from remuneration.cases.services.context import CaseConfiguration, CaseContext, configuration_on
from remuneration.cases.services.entries import EntryKind, list_entries
from remuneration.cases.services.history import EventAction, list_events
from remuneration.cases.services.jobs import CaseJobsReport, run_case_jobs
from remuneration.cases.services.messages import add_note, record_message
from remuneration.cases.services.metrics import MetricsReport, queue_metrics
from remuneration.cases.services.sla import SweepReport, case_clocks, refresh_sla, sweep_sla
from remuneration.cases.services.teams import add_absence, create_team, find_team, set_agent
from remuneration.cases.services.workflow import (
    apply_case_macro,
    change_status,
    merge_cases,
    preview_case_macro,
)

__all__ = [
    "AutomaticReport",
    "CaseConfiguration",
    "CaseContext",
    "CaseInput",
    "CaseJobsReport",
    "CasePage",
    "CaseQuery",
    "CreatedCase",
    "EntryKind",
    "EventAction",
    "MetricsReport",
    "QueueView",
    "SweepReport",
    "add_absence",
    "add_note",
    "apply_case_macro",
    "assign_case",
    "assign_round_robin",
    "case_clocks",
    "change_status",
    "claim_case",
    "configuration_on",
    "consume_case_requests",
    "count_cases",
    "create_case",
    "create_team",
    "detect_incomplete_dossiers",
    "detect_missing_attendance",
    "find_case",
    "find_team",
    "get_case",
    "list_cases",
    "list_entries",
    "list_events",
    "merge_cases",
    "preview_case_macro",
    "queue_metrics",
    "record_message",
    "refresh_sla",
    "run_case_jobs",
    "set_agent",
    "sweep_sla",
]
