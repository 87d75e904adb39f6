"""Where every euro of a run is: the state of each transfer and of each amount kept back.

A transfer is in exactly one state: paid (released to the bank, not refused), held (in a batch
not released yet, or back to pay after the bank rejected its file), rejected (pain.002) or
returned (camt.054) and not re-issued yet, or re-issued (refused, then sent again by a later
transfer, where its euros now are). What the run kept back is offset against an overpayment; what it
carried as an overpayment is, today, being offset, claimed by a recovery order, waived or settled.

The transfers' states add up to the transfers, hence to the batches' control sums; a transfer
in a state this table does not know is a reconciliation problem, and the export is refused.
Pure: statuses in, totals out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from payments.vocabulary import OVERPAYMENT_STATUS_LABELS, OverpaymentStatus

__all__ = [
    "OVERPAYMENT_STATES",
    "STATE_LABELS",
    "TRANSFER_STATES",
    "StateTotals",
    "overpayment_state",
    "transfer_state",
]

_ZERO = Decimal("0.00")

_BY_OVERPAYMENT_STATUS = {
    OverpaymentStatus.OPEN.value: "debt_open",
    OverpaymentStatus.RECOVERY_ORDER.value: "recovery_order",
    OverpaymentStatus.WAIVED.value: "debt_waived",
    OverpaymentStatus.SETTLED.value: "debt_settled",
}


def _carried(status: str) -> str:
    """``Trop-perçu reporté : soldé``: the overpayment a run carried, then its status now."""
    words = OVERPAYMENT_STATUS_LABELS[status]
    return f"Trop-perçu reporté : {words[0].lower()}{words[1:]}"


STATE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "paid": "Payé (virement libéré, non refusé)",
        "held": "En attente (lot non libéré, ou à repayer après un rejet du fichier)",
        "rejected": "Rejeté par la banque (pain.002), à réémettre",
        "returned": "Retourné par la banque (camt.054), à réémettre",
        "reissued": "Rejeté ou retourné, puis réémis",
        "offset": "Retenu pour trop-perçu",
        **{state: _carried(status) for status, state in _BY_OVERPAYMENT_STATUS.items()},
    }
)
"""State code → French label, in the order of the exports; a carried overpayment's state is
told in the words of its status (``payments.vocabulary.OVERPAYMENT_STATUS_LABELS``)."""

TRANSFER_STATES = ("paid", "held", "rejected", "returned", "reissued")
OVERPAYMENT_STATES = ("debt_open", "recovery_order", "debt_waived", "debt_settled")

_BY_STATUS = {
    "released": "paid",
    "prepared": "held",
    "to_pay": "held",
    "rejected": "rejected",
    "returned": "returned",
}


def transfer_state(status: str, *, reissued: bool) -> str | None:
    """The state of a live transfer; None for a status the table does not know."""
    state = _BY_STATUS.get(status)
    if state in ("rejected", "returned") and reissued:
        return "reissued"
    return state


def overpayment_state(status: str) -> str | None:
    """The state of a carried overpayment today; None for an unknown status."""
    return _BY_OVERPAYMENT_STATUS.get(status)


@dataclass(frozen=True, slots=True)
class StateTotals:
    """Count and amount per state (every state of ``STATE_LABELS``, zero when empty)."""

    counts: Mapping[str, int] = field(default_factory=dict)
    amounts: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, items: list[tuple[str, Decimal]]) -> StateTotals:
        counts: dict[str, int] = {}
        amounts: dict[str, Decimal] = {}
        for state, amount in items:
            counts[state] = counts.get(state, 0) + 1
            amounts[state] = amounts.get(state, _ZERO) + amount
        return cls(counts, amounts)

    def __add__(self, other: StateTotals) -> StateTotals:
        states = set(self.counts) | set(other.counts)
        return StateTotals(
            {s: self.counts.get(s, 0) + other.counts.get(s, 0) for s in states},
            {s: self.amounts.get(s, _ZERO) + other.amounts.get(s, _ZERO) for s in states},
        )

    def amount(self, state: str) -> Decimal:
        return self.amounts.get(state, _ZERO)

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)

    def transfers_total(self) -> Decimal:
        return sum((self.amount(state) for state in TRANSFER_STATES), _ZERO)

    def lines(self) -> Iterator[tuple[str, str, int, Decimal]]:
        """(code, label, count, amount) for every state, in the order of the exports."""
        for code, label in STATE_LABELS.items():
            yield code, label, self.count(code), self.amount(code)
