"""The closed word lists of a dossier, identical to the evaluation contract's enumerations."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AidKind",
    "CodeStatus",
    "DocumentKind",
    "ExitReason",
    "FranceTravailIndemnity",
    "Sex",
    "TraineeStatus",
    "VerificationStatus",
]


class Sex(StrEnum):
    """As on the carte Vitale (first digit of the NIR)."""

    M = "M"
    F = "F"


class TraineeStatus(StrEnum):
    """The trainee's situation when the training starts."""

    JOB_SEEKER = "job_seeker"
    INSERTION_EMPLOYEE = "insertion_employee"
    OTHER = "other"


class FranceTravailIndemnity(StrEnum):
    """What France Travail pays the trainee, if anything."""

    NONE = "none"
    ARE = "are"
    AREF = "aref"
    RFF = "rff"


class ExitReason(StrEnum):
    """Why a trainee left the training before its end."""

    LEGITIMATE = "legitimate"
    ABANDONMENT = "abandonment"
    EXCLUSION = "exclusion"


class AidKind(StrEnum):
    """One-off aids asked on request."""

    EQUIPMENT = "equipment"
    DRIVING_LICENCE = "driving_licence"


class CodeStatus(StrEnum):
    """Progress with the highway code, for the driving-licence aid."""

    PASSED = "passed"
    IN_PREPARATION = "in_preparation"
    NOT_STARTED = "not_started"


class DocumentKind(StrEnum):
    """The three documents of a dossier."""

    IDENTITY = "identity"
    VITALE = "vitale"
    RIB = "rib"


class VerificationStatus(StrEnum):
    """A document is received (not yet checked by an agent), verified, or refused."""

    RECEIVED = "received"
    VERIFIED = "verified"
    REFUSED = "refused"
