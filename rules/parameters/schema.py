"""The shape of a parameter: typed, dated values, each with its source.

A parameter file is data the Region may edit without a release; this module turns its raw YAML
content into typed values and refuses anything ambiguous (floats for money, unsorted dates...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from rules.reference_data import ReferenceDataError

__all__ = [
    "Band",
    "Parameter",
    "ParameterError",
    "ParameterKind",
    "ParameterValue",
    "Value",
    "parse_value",
]

_MONEY = re.compile(r"^-?\d+\.\d{2}$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


class ParameterKind(StrEnum):
    MONEY = "money"
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CODES = "codes"
    BANDS = "bands"


@dataclass(frozen=True, slots=True)
class Band:
    """One band of a scale: applies from ``from_km`` (included) to the next band (excluded)."""

    lower: Decimal
    amount: Decimal


Value = Decimal | int | bool | tuple[str, ...] | tuple[Band, ...]


@dataclass(frozen=True, slots=True, eq=False)
class ParameterValue:
    """A value with the date it came into force and where it comes from.

    Compared by identity: each value exists once in its parameter set, which keeps the caches of
    explanations cheap.
    """

    parameter_id: str
    value: Value
    in_force_from: date
    source: str
    status: str

    @property
    def decimal(self) -> Decimal:
        """The value as a decimal (money, rates, hours); integers are exact decimals too."""
        if isinstance(self.value, bool) or not isinstance(self.value, Decimal | int):
            raise ParameterError(f"{self.parameter_id} : valeur décimale attendue")
        return Decimal(self.value)

    @property
    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise ParameterError(f"{self.parameter_id} : valeur entière attendue")
        return self.value

    @property
    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise ParameterError(f"{self.parameter_id} : valeur booléenne attendue")
        return self.value

    @property
    def codes(self) -> tuple[str, ...]:
        if not isinstance(self.value, tuple) or not isinstance(self.value[0], str):
            raise ParameterError(f"{self.parameter_id} : liste de codes attendue")
        return self.value  # checked when the file was read

    @property
    def bands(self) -> tuple[Band, ...]:
        if not isinstance(self.value, tuple) or not isinstance(self.value[0], Band):
            raise ParameterError(f"{self.parameter_id} : barème attendu")
        return self.value  # checked when the file was read


@dataclass(frozen=True, slots=True)
class Parameter:
    """All the dated values of one parameter; ``closed_from`` ends its life."""

    id: str
    label: str
    kind: ParameterKind
    values: tuple[ParameterValue, ...]
    closed_from: date | None
    file_name: str


class ParameterError(ReferenceDataError):
    """A malformed parameter file, or a value asked outside a parameter's life."""


def _decimal(raw: object, *, where: str, money: bool) -> Decimal:
    if isinstance(raw, float):
        raise ParameterError(
            f"{where} : nombre à virgule flottante refusé ({raw!r}) ; "
            'écrire la valeur décimale entre guillemets, par exemple "723.36"'
        )
    if isinstance(raw, bool):
        raise ParameterError(f"{where} : valeur décimale attendue, reçu {raw!r}")
    if money:
        if not isinstance(raw, str) or not _MONEY.match(raw):
            raise ParameterError(
                f'{where} : un montant s\'écrit entre guillemets avec deux décimales ("200.00"), '
                f"reçu {raw!r}"
            )
    elif isinstance(raw, int):
        return Decimal(raw)
    elif not isinstance(raw, str) or not _DECIMAL.match(raw):
        raise ParameterError(f'{where} : décimal entre guillemets attendu ("0.50"), reçu {raw!r}')
    try:
        return Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules this out
        raise ParameterError(f"{where} : décimal illisible {raw!r}") from exc


def _codes(raw: object, *, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise ParameterError(f"{where} : liste de codes attendue, reçu {raw!r}")
    codes: list[str] = []
    for item in raw:
        if not isinstance(item, str) or not item:
            raise ParameterError(
                f"{where} : chaque code doit être une chaîne entre guillemets, reçu {item!r} "
                "(attention : NO, YES, ON, OFF sans guillemets deviennent des booléens en YAML)"
            )
        codes.append(item)
    if len(set(codes)) != len(codes):
        raise ParameterError(f"{where} : code en double dans la liste")
    return tuple(codes)


def _bands(raw: object, *, where: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise ParameterError(f"{where} : liste de tranches attendue")
    bands: list[Band] = []
    for index, item in enumerate(raw):
        item_where = f"{where}[{index}]"
        if not isinstance(item, dict) or set(item) != {"from_km", "amount"}:
            raise ParameterError(f"{item_where} : une tranche a exactement from_km et amount")
        band = Band(
            lower=_decimal(item["from_km"], where=f"{item_where}.from_km", money=False),
            amount=_decimal(item["amount"], where=f"{item_where}.amount", money=True),
        )
        if bands and band.lower <= bands[-1].lower:
            raise ParameterError(f"{item_where} : les tranches doivent être en ordre croissant")
        bands.append(band)
    if bands[0].lower != 0:
        raise ParameterError(f"{where}[0] : la première tranche commence à 0 km")
    return tuple(bands)


def parse_value(kind: ParameterKind, raw: object, *, where: str) -> Value:
    """Turn one raw YAML value into its typed form, or raise ``ParameterError`` naming it."""
    if kind is ParameterKind.MONEY:
        return _decimal(raw, where=where, money=True)
    if kind is ParameterKind.DECIMAL:
        return _decimal(raw, where=where, money=False)
    if kind is ParameterKind.INTEGER:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ParameterError(f"{where} : entier attendu, reçu {raw!r}")
        return raw
    if kind is ParameterKind.BOOLEAN:
        if not isinstance(raw, bool):
            raise ParameterError(f"{where} : booléen attendu (true ou false), reçu {raw!r}")
        return raw
    if kind is ParameterKind.CODES:
        return _codes(raw, where=where)
    return _bands(raw, where=where)
