"""Money: the one rounding function and the contract's money format.

The Region pays to the cent. Every amount is a `Decimal` computed exactly and rounded once per
line, half up (0.005 -> 0.01), as `docs/rules.md` section 3 requires; binary floats never appear.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["CENT", "ZERO", "format_money", "parse_money", "round_money"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    """Round an exact amount to the cent, half up: the only rounding of money in remu."""
    return value.quantize(CENT, ROUND_HALF_UP)  # (positional: a third of the keyword call's cost)


def format_money(value: Decimal) -> str:
    """The contract's money string: two decimals, a dot, no grouping (``"473.33"``)."""
    if not value:
        return "0.00"
    text = str(value)
    if text[-3:-2] == ".":  # already to the cent (every rounded amount): its plain text is it
        return text
    return f"{value.quantize(CENT):f}"


def parse_money(text: str) -> Decimal:
    """Parse a money string of the contract; raises ``ValueError`` when it is not a decimal."""
    try:
        value = Decimal(text)
    except ArithmeticError as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value
