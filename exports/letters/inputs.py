"""The data letters are built from: an evaluation result, the training, payment and debt facts.

The evaluation result arrives as the contract's JSON object (docs/evaluation-contract.md)
because it is what a decision record stores; it is read here once, strictly, into frozen
dataclasses. Money is a JSON string in the contract and a ``Decimal`` here, never a float.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from exports.letters.context import Recipient
from exports.letters.guard import require_masked_iban
from exports.wording import cents_of, period_in_words

__all__ = [
    "AidOutcome",
    "EvaluationOutcome",
    "NoticeLine",
    "OutcomeLine",
    "OutcomeReason",
    "OverpaymentNotice",
    "PaymentNotice",
    "RecoveryMethod",
    "ResultError",
    "TrainingInfo",
    "parse_result",
]

_DECISIONS = frozenset({"granted", "rejected", "incomplete"})
_LINE_KINDS = frozenset(
    {
        "advance",
        "remuneration",
        "advance_recovery",
        "mobility",
        "equipment",
        "driving_licence",
        "overpayment",
    }
)


class ResultError(ValueError):
    """The evaluation result does not follow the contract."""


@dataclass(frozen=True, slots=True)
class TrainingInfo:
    name: str
    start_date: date
    end_date: date

    def __post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise ValueError("la formation finit avant de commencer")


@dataclass(frozen=True, slots=True)
class OutcomeReason:
    code: str
    scope: str
    message: str


@dataclass(frozen=True, slots=True)
class OutcomeLine:
    kind: str
    period: str
    amount: Decimal
    explanation: str
    parameters: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class AidOutcome:
    index: int
    kind: str
    decision: str
    amount: Decimal | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EvaluationOutcome:
    decision: str
    reasons: tuple[OutcomeReason, ...]
    missing: tuple[str, ...]
    lines: tuple[OutcomeLine, ...]
    aid_decisions: tuple[AidOutcome, ...]
    total: Decimal


def _money(raw: object, where: str) -> Decimal:
    if not isinstance(raw, str | Decimal):
        raise ResultError(f"{where} : montant en texte attendu (jamais un nombre flottant)")
    try:
        value = Decimal(raw)
        cents_of(value)
    except (InvalidOperation, ValueError) as exc:
        raise ResultError(f"{where} : montant au centime attendu") from exc
    return value


def _str(data: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ResultError(f"{where}.{key} : texte attendu")
    return value


def _list(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ResultError(f"{key} : liste attendue")
    return value


def _obj(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ResultError(f"{where} : objet attendu")
    return raw


def _line(raw: object, where: str) -> OutcomeLine:
    data = _obj(raw, where)
    kind, period = _str(data, "kind", where), _str(data, "period", where)
    if kind not in _LINE_KINDS:
        raise ResultError(f"{where}.kind : genre de ligne inconnu {kind!r}")
    try:
        period_in_words(period)
    except ValueError as exc:
        raise ResultError(f"{where}.period : mois AAAA-MM attendu") from exc
    parameters = {
        _str(p, "id", f"{where}.parameters"): _str(p, "value", f"{where}.parameters")
        for p in (_obj(item, f"{where}.parameters") for item in _list(data, "parameters"))
    }
    return OutcomeLine(
        kind=kind,
        period=period,
        amount=_money(data.get("amount"), f"{where}.amount"),
        explanation=_str(data, "explanation", where, default=""),
        parameters=parameters,
    )


def _aid(raw: object, where: str) -> AidOutcome:
    data = _obj(raw, where)
    index, decision = data.get("index"), _str(data, "decision", where)
    if not isinstance(index, int) or isinstance(index, bool) or decision not in _DECISIONS:
        raise ResultError(f"{where} : index entier et décision connue attendus")
    amount = data.get("amount")
    reasons = data.get("reasons", [])
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise ResultError(f"{where}.reasons : liste de codes attendue")
    return AidOutcome(
        index=index,
        kind=_str(data, "kind", where),
        decision=decision,
        amount=None if amount is None else _money(amount, f"{where}.amount"),
        reasons=tuple(reasons),
    )


def parse_result(result: Mapping[str, Any]) -> EvaluationOutcome:
    """Read an evaluation result (the contract's JSON object); extra fields are ignored."""
    decision = _str(result, "decision", "result")
    if decision not in _DECISIONS:
        raise ResultError(f"decision inconnue : {decision!r}")
    reasons = tuple(
        OutcomeReason(
            code=_str(r, "code", "reasons"),
            scope=_str(r, "scope", "reasons"),
            message=_str(r, "message", "reasons", default=""),
        )
        for r in (_obj(item, "reasons[]") for item in _list(result, "reasons"))
    )
    missing = tuple(_list(result, "missing"))
    if not all(isinstance(path, str) for path in missing):
        raise ResultError("missing : liste de chemins attendue")
    lines = tuple(_line(raw, f"lines[{i}]") for i, raw in enumerate(_list(result, "lines")))
    aids = tuple(
        _aid(raw, f"aid_decisions[{i}]") for i, raw in enumerate(_list(result, "aid_decisions"))
    )
    total = _money(result.get("total"), "total")
    if sum((line.amount for line in lines), Decimal(0)) != total:
        raise ResultError("total : différent de la somme des lignes")
    return EvaluationOutcome(decision, reasons, missing, lines, aids, total)


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """One line of a payment or of a debt, as the payment run or the engine gave it."""

    kind: str
    period: str
    amount: Decimal
    explanation: str

    def __post_init__(self) -> None:
        if self.kind not in _LINE_KINDS:
            raise ValueError(f"genre de ligne inconnu : {self.kind!r}")
        period_in_words(self.period)
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
    """A debt of the trainee: how much, why (its lines), how it is recovered, until when to ask
    for a waiver (remise gracieuse, article R6341-48 du Code du travail).

    ``amount`` is what remains to pay back; ``already_recovered`` what was already offset on
    later payments: the lines (the debt's origin) add up to minus their sum."""

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
