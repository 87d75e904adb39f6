"""The data letters are built from, beside the evaluation result: the training, payment and
overpayment facts.

The evaluation result arrives as the contract's JSON object because it is what a decision record
stores; the rules read it back (``rules.recorded.read_result``, which raises ``ResultError``).
Money is a ``Decimal`` here, never a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from exports.letters.context import Recipient
from exports.letters.guard import require_masked_iban
from exports.wording import cents_of
from rules.decisions import LineKind
from rules.errors import ResultError
from rules.periods import Month

__all__ = [
    "NoticeLine",
    "OverpaymentNotice",
    "PaymentNotice",
    "RecoveryMethod",
    "ResultError",
    "TrainingInfo",
]

_LINE_KINDS = frozenset(kind.value for kind in LineKind)


@dataclass(frozen=True, slots=True)
class TrainingInfo:
    name: str
    start_date: date
    end_date: date

    def __post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise ValueError("la formation finit avant de commencer")


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """One line of a payment or of an overpayment, as the payment run or the engine gave it."""

    kind: str
    period: Month
    amount: Decimal
    explanation: str

    def __post_init__(self) -> None:
        if self.kind not in _LINE_KINDS:
            raise ValueError(f"genre de ligne inconnu : {self.kind!r}")
        if not isinstance(self.period, Month):
            raise TypeError(f"le mois d'une ligne est un Month, pas {type(self.period).__name__}")
        cents_of(self.amount)


@dataclass(frozen=True, slots=True)
class PaymentNotice:
    """A transfer about to be made: to whom, when, to which (masked) account, for what.

    ``replaces_refused_transfer``: the transfer re-issues one the trainee's bank sent back."""

    recipient: Recipient
    payment_date: date
    masked_iban: str
    lines: tuple[NoticeLine, ...]
    reference: str | None = None
    replaces_refused_transfer: bool = False

    def __post_init__(self) -> None:
        require_masked_iban(self.masked_iban)
        if not self.lines:
            raise ValueError("un avis de paiement a au moins une ligne")
        if self.total <= 0:
            raise ValueError("un paiement nul ou négatif n'est pas envoyé : pas d'avis de paiement")

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


class RecoveryMethod(StrEnum):
    """How an overpayment comes back: offset on next payments, or a recovery order (titre)."""

    OFFSET = "offset"
    RECOVERY_ORDER = "recovery_order"


@dataclass(frozen=True, slots=True)
class OverpaymentNotice:
    """An overpayment of the trainee: how much, why (its lines), how it is recovered, until when to
    ask for a waiver (remise gracieuse, article R6341-48 du Code du travail).

    ``amount`` is what remains to pay back; ``already_recovered`` what was already offset on
    later payments: the lines (the overpayment's origin) add up to minus their sum."""

    recipient: Recipient
    amount: Decimal
    lines: tuple[NoticeLine, ...]
    explanation: str
    recovery: RecoveryMethod
    waiver_deadline: date
    training: TrainingInfo | None = None
    reference: str | None = None
    recovery_order_reference: str | None = None
    already_recovered: Decimal = Decimal("0.00")

    def __post_init__(self) -> None:
        if cents_of(self.amount) <= 0:
            raise ValueError("un trop-perçu est un montant positif à rembourser")
        if cents_of(self.already_recovered) < 0:
            raise ValueError("la somme déjà retenue ne peut pas être négative")
        owed = self.amount + self.already_recovered
        if self.lines and sum((line.amount for line in self.lines), Decimal(0)) != -owed:
            raise ValueError("les lignes du trop-perçu ne font pas le montant à rembourser")
        if self.recovery_order_reference and self.recovery is not RecoveryMethod.RECOVERY_ORDER:
            raise ValueError("un numéro de titre n'a de sens que pour un ordre de reversement")
