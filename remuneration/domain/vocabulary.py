"""The closed word lists of a dossier, identical to the evaluation contract's enumerations,
and their French words: the one place the console, the finance exports and the letters read them
from (a door adds its presentation, never its own words)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from rules import facts
from rules.decisions import LineKind

__all__ = [
    "DOCUMENT_KIND_LABELS",
    "EXIT_REASON_LABELS",
    "INDEMNITY_LABELS",
    "LINE_KIND_LABELS",
    "TRAINEE_STATUS_LABELS",
    "VERIFICATION_STATUS_LABELS",
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


LINE_KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        LineKind.ADVANCE.value: "Avance",
        LineKind.REMUNERATION.value: "Rémunération",
        LineKind.ADVANCE_RECOVERY.value: "Récupération de l'avance",
        LineKind.MOBILITY.value: "Aide à la mobilité",
        LineKind.EQUIPMENT.value: "Aide à l'équipement",
        LineKind.DRIVING_LICENCE.value: "Aide au permis de conduire",
        LineKind.OVERPAYMENT.value: "Trop-perçu",
    }
)
"""A line's kind (``rules.decisions.LineKind``), the glossary's words: the dossier's calculation
tab, the letters, the finance exports' natures and the transfers' remittance texts."""

EXIT_REASON_LABELS: Mapping[str, str] = MappingProxyType(
    {
        ExitReason.LEGITIMATE.value: "sortie pour un motif légitime",
        ExitReason.ABANDONMENT.value: "abandon sans motif légitime",
        ExitReason.EXCLUSION.value: "exclusion pour faute grave",
    }
)
"""A training exit's reason, lower case: it is read inside a sentence (letters, exports, the
dossier's data tab: « Sortie de formation le … (abandon sans motif légitime) »)."""

TRAINEE_STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        TraineeStatus.JOB_SEEKER.value: "demandeur d'emploi",
        TraineeStatus.INSERTION_EMPLOYEE.value: "salarié en contrat d'insertion",
        TraineeStatus.OTHER.value: "autre situation",
    }
)
"""The trainee's declared situation, lower case (read as a value of the dossier's data)."""

INDEMNITY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        FranceTravailIndemnity.NONE.value: "aucune",
        FranceTravailIndemnity.ARE.value: "ARE (allocation d'aide au retour à l'emploi)",
        FranceTravailIndemnity.AREF.value: "AREF (ARE formation)",
        FranceTravailIndemnity.RFF.value: "RFF (rémunération de fin de formation)",
    }
)
"""The France Travail benefit the trainee receives, as the dossier's data shows it."""

DOCUMENT_KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        DocumentKind.IDENTITY.value: "Pièce d'identité",
        DocumentKind.VITALE.value: "Attestation Vitale",
        DocumentKind.RIB.value: "RIB",
    }
)
"""A dossier's document (pièce justificative)."""

VERIFICATION_STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        VerificationStatus.RECEIVED.value: "Reçue, à vérifier",
        VerificationStatus.VERIFIED.value: "Vérifiée",
        VerificationStatus.REFUSED.value: "Refusée",
    }
)
"""Where a document's check stands (a pièce: feminine)."""
