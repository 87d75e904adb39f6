"""The pure domain of the relation-usagers case queue (no database, no web, no clock).

Everything here is a function of its arguments: instants are timezone-aware ``datetime`` values
passed in (``now``), configuration comes from the dated YAML files of
``remuneration/cases/config`` through the ``load_*`` functions. The services (SQLAlchemy) and the
API build on this package as follows.

Vocabulary (``vocabulary``)
    ``Category``, ``Priority``, ``Channel``, ``CaseStatus``, ``ResolutionReason``,
    ``MessageDirection`` (StrEnums whose values are the stored identifiers), their French
    ``*_LABELS``, ``ACTIVE_STATUSES`` (new, open, waiting_trainee: backlog, caps, duplicates,
    auto-case de-duplication), ``TERMINAL_STATUSES``, ``WRITTEN_CHANNELS``, ``PRIORITY_ORDER``
    and the ``NewType`` ids ``CaseId``, ``AgentId``, ``TraineeId``.

State machine (``transitions``)
    ``TRANSITIONS`` maps every legal (source, target) to the ``Milestone`` column it sets
    (``opened_at``, ``waiting_since``, ``resumed_at``, ``resolved_at``, ``reopened_at``,
    ``closed_at``, ``merged_at``). ``check_transition(source, target, resolution_reason=...)``
    refuses an illegal move (``IllegalTransitionError``) or a missing/unexpected reason
    (``ResolutionReasonError``) and returns the milestone; ``CLEARED_BY_MILESTONE`` lists the
    columns to empty at the same time. ``check_merge`` adds the merge-specific checks.
    ``check_written_answer`` (``history``) refuses to resolve a complaint never answered in
    writing.

References (``references``)
    ``format_case_reference(year=, sequence=)`` → ``"C-2024-004217"``,
    ``parse_case_reference(text)`` → ``CaseReference``, ``reference_year(created_at, tz)``.

Business calendar (``business_calendar``, loaded by ``load_business_calendar(on=,
departement=)``)
    ``BusinessCalendar.is_open(instant)``, ``add_business_duration(start, duration)`` → due
    instant, ``business_duration_between(a, b)``, ``next_opening``, ``add_business_days(day,
    n)``, ``is_business_day``, ``local_date``.

Service levels (``service_levels``, ``history``, ``clocks``, ``alerts``)
    ``load_service_levels(on=)`` → ``ServiceLevelPolicy``; ``policy.targets_for(category=,
    priority=, channel=)`` → ``SlaTargets``. Build a ``CaseHistory(created_at, events)`` from
    ``StatusChanged`` and ``MessageRecorded`` events, then ``compute_case_clocks(history,
    targets=, calendar=, now=, at_risk_percent=policy.at_risk_percent)`` → ``CaseClocks``
    (``ClockResult``: due, used, remaining, state, percent_used, at_risk).
    ``alerts_to_fire(clocks.all(), already_fired=keys, now=)`` → new ``SlaAlert`` values
    (store ``alert.key.token`` with a unique constraint); ``escalated_priority``.

Automatic cases (``auto_cases``, loaded by ``load_auto_case_rules(on=)``)
    ``AutoCaseRule`` per ``AutoCaseTrigger``; ``CauseKey`` (``str()`` /
    ``CauseKey.parse``); ``decide_auto_case(rule, object_id=, existing=)`` →
    ``OpenNewCase`` or ``AddEventToCase``; ``trigger_day``,
    ``iban_change_needs_case``.

Work rules (``assignment``, ``macros``; ``load_work_rules``, ``load_macros``)
    ``next_assignee(team, last_assignee=, rules=)`` (round robin, caps, absences);
    ``duplicate_warning(trainee_id=, category=, existing=)``;
    ``apply_macro(macro, status=, context=, now=, calendar=)`` → ``MacroPlan``
    (transitions with milestones, French message and note, reminder instant).

Metrics (``metrics``, ``metrics_export``)
    ``compute_metrics(snapshots, calendar=)`` → ``QueueMetrics`` from ``CaseSnapshot`` values;
    ``metrics_to_json`` (JSON-ready dict) and ``metrics_to_csv`` (bytes, French Excel profile).

Errors (``errors``)
    ``CaseDomainError`` and subclasses, each with a stable ``code`` and a French ``message``.
"""

from .alerts import AlertKey, AlertLevel, SlaAlert, alerts_to_fire, escalated_priority
from .assignment import (
    AgentLoad,
    CaseSummary,
    DuplicateWarning,
    WorkRules,
    duplicate_warning,
    next_assignee,
)
from .auto_cases import (
    AddEventToCase,
    AutoCaseRule,
    AutoCaseTrigger,
    CauseKey,
    Contact,
    ExistingAutoCase,
    OpenNewCase,
    decide_auto_case,
    iban_change_needs_case,
    trigger_day,
)
from .business_calendar import BusinessCalendar, OpeningInterval
from .clocks import PAUSING_STATUSES, CaseClocks, ClockResult, ClockState, compute_case_clocks
from .config import (
    load_auto_case_rules,
    load_business_calendar,
    load_macros,
    load_service_levels,
    load_work_rules,
    parse_business_duration,
)
from .errors import (
    CalendarError,
    CaseConfigurationError,
    CaseDomainError,
    IllegalTransitionError,
    InvalidCaseInputError,
    InvalidCaseReferenceError,
    InvalidCauseKeyError,
    InvalidMergeError,
    MacroError,
    ResolutionReasonError,
    TeamError,
    WrittenAnswerRequiredError,
)
from .history import (
    CaseEvent,
    CaseHistory,
    MessageRecorded,
    StatusChanged,
    StatusSpan,
    check_written_answer,
)
from .macros import (
    Macro,
    MacroPlan,
    PlannedTransition,
    apply_macro,
    french_instant,
    status_path,
)
from .metrics import (
    REPORTED_CLOCKS,
    CaseSnapshot,
    ClockCompliance,
    Compliance,
    DurationStats,
    QueueMetrics,
    WeekCount,
    compute_metrics,
    iso_week,
    nearest_rank,
)
from .metrics_export import CSV_HEADER, metrics_to_csv, metrics_to_json
from .references import (
    CaseReference,
    format_case_reference,
    parse_case_reference,
    reference_year,
)
from .service_levels import (
    CLOCK_LABELS,
    ClockKind,
    ServiceLevelPolicy,
    SlaTargets,
    TargetOverride,
)
from .transitions import (
    CLEARED_BY_MILESTONE,
    TRANSITIONS,
    Milestone,
    allowed_targets,
    check_merge,
    check_transition,
)
from .vocabulary import (
    ACTIVE_STATUSES,
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    PRIORITY_LABELS,
    PRIORITY_ORDER,
    RESOLUTION_REASON_LABELS,
    STATUS_LABELS,
    TERMINAL_STATUSES,
    WRITTEN_CHANNELS,
    AgentId,
    CaseId,
    CaseStatus,
    Category,
    Channel,
    MessageDirection,
    Priority,
    ResolutionReason,
    TraineeId,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CATEGORY_LABELS",
    "CHANNEL_LABELS",
    "CLEARED_BY_MILESTONE",
    "CLOCK_LABELS",
    "CSV_HEADER",
    "PAUSING_STATUSES",
    "PRIORITY_LABELS",
    "PRIORITY_ORDER",
    "REPORTED_CLOCKS",
    "RESOLUTION_REASON_LABELS",
    "STATUS_LABELS",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "WRITTEN_CHANNELS",
    "AddEventToCase",
    "AgentId",
    "AgentLoad",
    "AlertKey",
    "AlertLevel",
    "AutoCaseRule",
    "AutoCaseTrigger",
    "BusinessCalendar",
    "CalendarError",
    "CaseClocks",
    "CaseConfigurationError",
    "CaseDomainError",
    "CaseEvent",
    "CaseHistory",
    "CaseId",
    "CaseReference",
    "CaseSnapshot",
    "CaseStatus",
    "CaseSummary",
    "Category",
    "CauseKey",
    "Channel",
    "ClockCompliance",
    "ClockKind",
    "ClockResult",
    "ClockState",
    "Compliance",
    "Contact",
    "DuplicateWarning",
    "DurationStats",
    "ExistingAutoCase",
    "IllegalTransitionError",
    "InvalidCaseInputError",
    "InvalidCaseReferenceError",
    "InvalidCauseKeyError",
    "InvalidMergeError",
    "Macro",
    "MacroError",
    "MacroPlan",
    "MessageDirection",
    "MessageRecorded",
    "Milestone",
    "OpenNewCase",
    "OpeningInterval",
    "PlannedTransition",
    "Priority",
    "QueueMetrics",
    "ResolutionReason",
    "ResolutionReasonError",
    "ServiceLevelPolicy",
    "SlaAlert",
    "SlaTargets",
    "StatusChanged",
    "StatusSpan",
    "TargetOverride",
    "TeamError",
    "TraineeId",
    "WeekCount",
    "WorkRules",
    "WrittenAnswerRequiredError",
    "alerts_to_fire",
    "allowed_targets",
    "apply_macro",
    "check_merge",
    "check_transition",
    "check_written_answer",
    "compute_case_clocks",
    "compute_metrics",
    "decide_auto_case",
    "duplicate_warning",
    "escalated_priority",
    "format_case_reference",
    "french_instant",
    "iban_change_needs_case",
    "iso_week",
    "load_auto_case_rules",
    "load_business_calendar",
    "load_macros",
    "load_service_levels",
    "load_work_rules",
    "metrics_to_csv",
    "metrics_to_json",
    "nearest_rank",
    "next_assignee",
    "parse_business_duration",
    "parse_case_reference",
    "reference_year",
    "status_path",
    "trigger_day",
]
