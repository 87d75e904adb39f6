"""The closed word lists of payments: run kinds, and the states of runs, payments, batches,
overpayments and bank returns (the values stored in the database and shown by the API).

Each list has its French words here, and only here: the console, the command line, the finance
exports and the letters read them from this module, so that one status has one wording for every
person who reads it (a door adds its own presentation, a tone or a lower case, never its own words).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from rules.french import fr_date, fr_of_month
from rules.periods import Month

__all__ = [
    "BANK_RETURN_STATUS_LABELS",
    "BATCH_STATUS_LABELS",
    "OVERPAYMENT_STATUS_LABELS",
    "PAYMENT_STATUS_LABELS",
    "RETURN_KIND_LABELS",
    "RETURN_SCOPE_LABELS",
    "RUN_KIND_LABELS",
    "RUN_STATUS_LABELS",
    "SKIP_REASON_LABELS",
    "BankReturnStatus",
    "BatchStatus",
    "OverpaymentStatus",
    "PaymentStatus",
    "RunKind",
    "RunStatus",
    "SkipReason",
    "run_title",
]


class RunKind(StrEnum):
    """A daily advance run (period ``YYYY-MM-DD``) or a monthly run (period ``YYYY-MM``)."""

    ADVANCE = "advance"
    MONTHLY = "monthly"


class RunStatus(StrEnum):
    """A run is running while its dossiers are computed and written, completed once its batch
    and file are built (both in the transaction of the run)."""

    RUNNING = "running"
    COMPLETED = "completed"


class PaymentStatus(StrEnum):
    """One transfer's life: in a prepared batch, released to the bank, then perhaps refused.

    A payment is never deleted: a reject (pain.002) or a return (camt.054) keeps the row with
    its reason code; a cancelled batch cancels its payments, which are replaced by new ones.
    A payment of a batch the bank refused as a file (or for a technical reason) goes back to
    ``to_pay``, unchanged, until a corrected batch carries it (then it is ``cancelled``).
    """

    PREPARED = "prepared"
    RELEASED = "released"
    TO_PAY = "to_pay"
    REJECTED = "rejected"
    RETURNED = "returned"
    CANCELLED = "cancelled"


PAYMENT_STATUS_LABELS: dict[str, str] = {
    PaymentStatus.PREPARED.value: "Préparé, à libérer",
    PaymentStatus.RELEASED.value: "Libéré, envoyé à la banque",
    PaymentStatus.REJECTED.value: "Rejeté par la banque",
    PaymentStatus.RETURNED.value: "Retourné par la banque",
    PaymentStatus.TO_PAY.value: "À repayer (fichier refusé par la banque)",
    PaymentStatus.CANCELLED.value: "Annulé",
}
"""A transfer's status as agents and finance read it (console, search, finance exports)."""

RUN_KIND_LABELS: dict[str, str] = {
    RunKind.ADVANCE.value: "Avances",
    RunKind.MONTHLY.value: "Paie mensuelle",
}
"""A payment run's kind as finance reads it (console and command line)."""


class BatchStatus(StrEnum):
    """A batch is prepared (file built), then released by a second person, or cancelled; the
    bank may reject a released batch as a whole (file-level or technical reject)."""

    PREPARED = "prepared"
    RELEASED = "released"
    CANCELLED = "cancelled"
    REJECTED_BY_BANK = "rejected_by_bank"


BATCH_STATUS_LABELS: dict[str, str] = {
    BatchStatus.PREPARED.value: "Préparé, à libérer",
    BatchStatus.RELEASED.value: "Libéré",
    BatchStatus.CANCELLED.value: "Annulé",
    BatchStatus.REJECTED_BY_BANK.value: "Refusé par la banque (fichier entier), à repayer",
}
"""A batch's status as finance reads it (console and command line)."""

RUN_STATUS_LABELS: dict[str, str] = {
    RunStatus.RUNNING.value: "En cours",
    RunStatus.COMPLETED.value: "Terminée",
}
"""A payment run's status as finance reads it (command line)."""


class OverpaymentStatus(StrEnum):
    """An overpayment: open (offset on later payments), then settled, claimed or waived."""

    OPEN = "open"
    RECOVERY_ORDER = "recovery_order"
    SETTLED = "settled"
    WAIVED = "waived"


OVERPAYMENT_STATUS_LABELS: dict[str, str] = {
    OverpaymentStatus.OPEN.value: "Ouvert, retenu sur les paiements suivants",
    OverpaymentStatus.RECOVERY_ORDER.value: "Ordre de reversement émis, à recouvrer",
    OverpaymentStatus.SETTLED.value: "Soldé",
    OverpaymentStatus.WAIVED.value: "Remise gracieuse accordée",
}
"""An overpayment's status as finance and agents read it (console: finance and dossier tab;
finance exports: recovery orders and the states of a run's euros)."""

RETURN_KIND_LABELS: dict[str, str] = {"reject": "Rejet", "return": "Retour"}
"""A bank's answer on a transfer: a reject (pain.002, before settlement) or a return (camt.054)."""

RETURN_SCOPE_LABELS: dict[str, str] = {
    "file": "fichier entier",
    "payment_information": "bloc de paiement",
    "transaction": "virement",
}
"""What a bank's reject or return concerns."""


class BankReturnStatus(StrEnum):
    """How one reject or return of a bank file was matched to a payment."""

    MATCHED = "matched"
    UNMATCHED = "unmatched"
    AMOUNT_MISMATCH = "amount_mismatch"
    ALREADY_PROCESSED = "already_processed"


BANK_RETURN_STATUS_LABELS: dict[str, str] = {
    BankReturnStatus.MATCHED.value: "Rapproché",
    BankReturnStatus.UNMATCHED.value: "Non rapproché",
    BankReturnStatus.AMOUNT_MISMATCH.value: "Montant différent",
    BankReturnStatus.ALREADY_PROCESSED.value: "Déjà traité",
}
"""How a bank file's reject or return was matched, as finance reads it (console: bank files)."""


class SkipReason(StrEnum):
    """Why a run left a dossier unpaid this time (its lines stay due for a later run)."""

    NOT_GRANTED = "not_granted"
    NO_BANK_DETAILS = "no_bank_details"
    BANK_DETAILS_BLOCKED = "bank_details_blocked"
    ADDRESS_INCOMPLETE = "address_incomplete"
    INVALID_FACTS = "invalid_facts"


SKIP_REASON_LABELS: dict[str, str] = {
    SkipReason.NOT_GRANTED.value: "Dossier non accordé",
    SkipReason.NO_BANK_DETAILS.value: "Pas de RIB vérifié",
    SkipReason.BANK_DETAILS_BLOCKED.value: "RIB bloqué après un refus de la banque",
    SkipReason.ADDRESS_INCOMPLETE.value: "Adresse du stagiaire incomplète",
    SkipReason.INVALID_FACTS.value: "Données du dossier invalides pour le calcul",
}
"""Why a run left a dossier unpaid, as finance reads it (console: a run's page)."""


def run_title(kind: str, period: str) -> str:
    """`Paie mensuelle de novembre 2026`, `Avances du 6 décembre 2026`: a payment run as finance
    names it, in every door (a period that cannot be read is shown as it is)."""
    label = RUN_KIND_LABELS.get(kind, kind)
    try:
        if kind == RunKind.MONTHLY.value:
            return f"{label} {fr_of_month(Month.parse(period))}"
        if kind == RunKind.ADVANCE.value:
            return f"{label} du {fr_date(date.fromisoformat(period))}"
    except ValueError:
        pass
    return f"{label} {period}"
