"""The closed word lists of a dossier, identical to the evaluation contract's enumerations."""

from __future__ import annotations

from enum import StrEnum

from rules import facts

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


# The dossier's facts use the evaluation contract's own enumerations: one word list, one place.
Sex = facts.Sex
TraineeStatus = facts.Status
FranceTravailIndemnity = facts.Indemnity
ExitReason = facts.ExitReason
AidKind = facts.AidKind
CodeStatus = facts.CodeStatus


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
