"""Immutable input facts of one evaluation (named tuples: cheap to build by the hundred
thousand); ``None`` always means *unknown*, never false or zero."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from rules.periods import Month

__all__ = [
    "AidKind",
    "AidRequest",
    "CodeStatus",
    "Documents",
    "EvaluationRequest",
    "Exit",
    "ExitReason",
    "History",
    "IdentityDocument",
    "Indemnity",
    "Insertion",
    "MonthStatement",
    "RibDocument",
    "Sex",
    "Status",
    "Trainee",
    "Training",
    "VitaleDocument",
]


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class Status(StrEnum):
    JOB_SEEKER = "job_seeker"
    INSERTION_EMPLOYEE = "insertion_employee"
    OTHER = "other"


class Indemnity(StrEnum):
    NONE = "none"
    ARE = "are"
    AREF = "aref"
    RFF = "rff"


class ExitReason(StrEnum):
    LEGITIMATE = "legitimate"
    ABANDONMENT = "abandonment"
    EXCLUSION = "exclusion"


class AidKind(StrEnum):
    EQUIPMENT = "equipment"
    DRIVING_LICENCE = "driving_licence"


class CodeStatus(StrEnum):
    PASSED = "passed"
    IN_PREPARATION = "in_preparation"
    NOT_STARTED = "not_started"


class Insertion(NamedTuple):
    contract: str | None
    are_complement: bool | None
    training_hours_outside_work: Decimal | None


class Trainee(NamedTuple):
    last_name: str | None
    first_names: str | None
    birth_date: date | None
    sex: Sex | None
    status: Status | None
    france_travail_registered: bool | None
    france_travail_indemnity: Indemnity | None
    insertion: Insertion | None


class Training(NamedTuple):
    programme: str | None
    approved_for_remuneration: bool | None
    start_date: date | None
    end_date: date | None
    total_hours: Decimal | None
    weekly_hours: Decimal | None
    distance_km: Decimal | None
    licence_useful_for_trade: bool | None


class IdentityDocument(NamedTuple):
    expiry_date: date | None


class VitaleDocument(NamedTuple):
    nir: str | None


class RibDocument(NamedTuple):
    iban: str | None
    holder: str | None


class Documents(NamedTuple):
    """A document that is ``None`` was not received."""

    identity: IdentityDocument | None
    vitale: VitaleDocument | None
    rib: RibDocument | None


class MonthStatement(NamedTuple):
    """One attendance statement (``S = A + J + U`` is checked when the request is read).

    ``position`` is its index in the request's ``months`` (for error paths).
    """

    position: int
    month: Month
    scheduled_hours: Decimal
    attended_hours: Decimal
    justified_absence_hours: Decimal
    unjustified_absence_hours: Decimal
    daily_allowances: Decimal
    hours_outside_work: Decimal | None


class Exit(NamedTuple):
    date: date
    reason: ExitReason


class AidRequest(NamedTuple):
    """``position`` is the request's index in ``aid_requests``, as the contract reports it."""

    position: int
    kind: AidKind
    date: date | None
    invoice_amount: Decimal | None
    cost: Decimal | None
    other_funding: Decimal | None
    code_status: CodeStatus | None


class OtherRemuneration(NamedTuple):
    """Another training of the same person whose remuneration is granted (from, to inclusive)."""

    start_date: date
    end_date: date


class History(NamedTuple):
    """What the caller knows of the person's past that the rules need.

    ``remunerated_trainings`` is ``None`` when the caller did not look (no overlap check is made);
    ``advance_received`` is true when the advance of this training entry was already paid under
    another dossier of the same person.
    """

    driving_licence_aid_received: bool | None
    remunerated_trainings: tuple[OtherRemuneration, ...] | None = None
    advance_received: bool | None = None


class EvaluationRequest(NamedTuple):
    as_of: date
    trainee: Trainee
    training: Training
    documents: Documents
    months: tuple[MonthStatement, ...]
    exit: Exit | None
    aid_requests: tuple[AidRequest, ...]
    history: History
