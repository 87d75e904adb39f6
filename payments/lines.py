"""What a run pays, decided without the database: engine lines against what was paid before,
then the trainee's net against their overpayments.

Why revisions: the database forbids paying (dossier, period, kind) twice, yet a corrected month
must be regularised. The first payment of a line is revision 0; when the engine later gives
another amount for the same month and kind, the difference is paid (or taken back) as the next
revision, with the engine's new amount kept beside it. A line paid before and no longer given by
the engine is regularised to zero.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rules import Line, LineKind, Month, format_money
from rules.decisions import KIND_ORDER

__all__ = [
    "ADVANCE_SCOPE",
    "OverpaymentShare",
    "PaidState",
    "PayableLine",
    "RunScope",
    "Settlement",
    "monthly_scope",
    "payable_lines",
    "settle",
]

_ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class RunScope:
    """The line kinds a run pays and the last month it reaches (None: any month)."""

    kinds: frozenset[LineKind]
    last_period: Month | None

    def covers(self, period: Month, kind: LineKind) -> bool:
        return kind in self.kinds and (self.last_period is None or period <= self.last_period)


ADVANCE_SCOPE = RunScope(frozenset({LineKind.ADVANCE}), None)


def monthly_scope(period: Month) -> RunScope:
    """A monthly run pays every kind of line up to its month (à terme échu)."""
    return RunScope(frozenset(LineKind), period)


@dataclass(frozen=True, slots=True)
class PaidState:
    """What was already paid for one (period, kind) of a dossier, over all its revisions."""

    total: Decimal
    last_revision: int


@dataclass(frozen=True, slots=True)
class PayableLine:
    """One amount this run settles for a dossier (a first payment or a regularisation)."""

    dossier_id: uuid.UUID
    period: Month
    kind: LineKind
    revision: int
    amount: Decimal
    engine_amount: Decimal
    rule: str
    explanation: str


def _merged(lines: Iterable[Line], scope: RunScope) -> dict[tuple[Month, LineKind], list[Line]]:
    found: dict[tuple[Month, LineKind], list[Line]] = {}
    for line in lines:
        if scope.covers(line.period, line.kind):
            found.setdefault((line.period, line.kind), []).append(line)
    return found


def _explanation(lines: Sequence[Line], paid: PaidState | None, target: Decimal) -> str:
    text = " ".join(line.explanation for line in lines)
    if paid is None:
        return text
    prefix = (
        f"Régularisation : {format_money(target)} dus au lieu de {format_money(paid.total)} "
        "déjà versés."
    )
    return f"{prefix} {text}" if text else f"{prefix} Ce montant n'est plus dû."


def payable_lines(
    dossier_id: uuid.UUID,
    lines: Iterable[Line],
    paid: Mapping[tuple[Month, LineKind], PaidState],
    scope: RunScope,
) -> list[PayableLine]:
    """The differences between the engine's lines and what was paid, within ``scope``."""
    engine = _merged(lines, scope)
    keys = set(engine) | {key for key in paid if scope.covers(*key)}
    payable: list[PayableLine] = []
    for key in sorted(keys, key=lambda k: (k[0], KIND_ORDER[k[1]])):
        found = engine.get(key, [])
        target = sum((line.amount for line in found), _ZERO)
        before = paid.get(key)
        difference = target - (before.total if before else _ZERO)
        if difference == 0:
            continue
        rule = found[0].rule if found else "regularisation"
        payable.append(
            PayableLine(
                dossier_id=dossier_id,
                period=key[0],
                kind=key[1],
                revision=before.last_revision + 1 if before else 0,
                amount=difference,
                engine_amount=target,
                rule=rule[:120],
                explanation=_explanation(found, before, target),
            )
        )
    return payable


@dataclass(frozen=True, slots=True)
class OverpaymentShare:
    """An open overpayment of the trainee, oldest first: what remains to recover."""

    overpayment_id: uuid.UUID
    remaining: Decimal


@dataclass(frozen=True, slots=True)
class Settlement:
    """The outcome of a trainee's net: a transfer, offsets against overpayments, or a new
    overpayment."""

    net: Decimal
    transfer: Decimal
    offsets: tuple[tuple[uuid.UUID, Decimal], ...]
    new_overpayment: Decimal


def settle(net: Decimal, overpayments: Sequence[OverpaymentShare]) -> Settlement:
    """Offset a positive net against the oldest overpayments first; a negative net becomes an
    overpayment.

    A payment of zero or less is never sent (docs/rules.md section 7): the balance is carried.
    """
    if net <= 0:
        return Settlement(net, _ZERO, (), -net if net < 0 else _ZERO)
    left = net
    offsets: list[tuple[uuid.UUID, Decimal]] = []
    for overpayment in overpayments:
        if left == 0:
            break
        taken = min(left, overpayment.remaining)
        if taken > 0:
            offsets.append((overpayment.overpayment_id, taken))
            left -= taken
    return Settlement(net, left, tuple(offsets), _ZERO)
