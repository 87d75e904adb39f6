"""French plain-language wording of amounts and dates for letters and messages to trainees.

Letters follow FALC habits (docs/cases.md): amounts are written in words *and* in figures, dates in
words. Numbers in words follow the **traditional orthography** (the one taught before the 1990
reform and still used on cheques and in administrative letters):

- hyphens only between tens and units below one hundred (``quatre-vingt-dix``), never around
  ``cent`` or ``mille`` (``deux cent un``, ``mille neuf cent``);
- ``et`` before ``un`` and ``onze`` after vingt..soixante (``vingt et un``, ``soixante et onze``),
  never after quatre-vingt (``quatre-vingt-un``);
- ``vingt`` and ``cent`` take an ``s`` when multiplied and ending the number
  (``quatre-vingts``, ``deux cents``) and also before the nouns ``million`` and ``milliard``
  (``deux cents millions``), but not before ``mille``, which is itself a numeral
  (``deux cent mille``, ``quatre-vingt mille``);
- ``mille`` never varies and never takes ``un`` before it; ``million`` and ``milliard`` are
  nouns: they vary and take ``d'euros`` when they end the amount (``deux millions d'euros``).

Figures use the French layout: decimal comma, digits grouped by three with a narrow no-break
space (U+202F), a no-break space (U+00A0) before the euro sign: ``1 234,56 €``.

Writers format, they never compute: every amount must already be exact to the cent (the engine
rounds with ``rules.money.round_money``); anything else is refused rather than silently rounded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rules.french import fr_date, fr_of_month
from rules.periods import MONTH_NAMES, Month

__all__ = [
    "MONTH_NAMES",
    "NARROW_NBSP",
    "NBSP",
    "amount_in_figures",
    "amount_in_words",
    "amount_in_words_and_figures",
    "cents_of",
    "date_in_words",
    "date_range_in_words",
    "integer_in_words",
    "month_in_words",
    "of_month_in_words",
    "period_in_words",
]

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
_MINUS = "\u2212"


_UNITS = (
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
)
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_THOUSAND = 1_000
_MILLION = 1_000_000
_BILLION = 1_000_000_000
_LIMIT = 1_000 * _BILLION


def cents_of(amount: Decimal) -> int:
    """The amount as a whole number of cents; refuses floats and amounts not exact to the cent."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"amount is not finite: {amount}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"amount is not exact to the cent: {amount}")
    return int(cents)


def _below_hundred(number: int, *, final: bool) -> str:
    if number <= 16:
        return _UNITS[number]
    if number < 20:
        return f"dix-{_UNITS[number - 10]}"
    tens, unit = divmod(number, 10)
    if tens in (7, 9):  # soixante-dix, quatre-vingt-dix: a base plus dix to dix-neuf
        base, rest = ("soixante", number - 60) if tens == 7 else ("quatre-vingt", number - 80)
        joiner = " et " if number == 71 else "-"
        return f"{base}{joiner}{_below_hundred(rest, final=final)}"
    base = "quatre-vingt" if tens == 8 else _TENS[tens]
    if unit == 0:
        return "quatre-vingts" if tens == 8 and final else base
    joiner = " et " if unit == 1 and tens != 8 else "-"
    return f"{base}{joiner}{_UNITS[unit]}"


def _below_thousand(number: int, *, final: bool) -> str:
    """``final``: nothing but a noun (million, milliard, euros) follows, so cent/vingt agree."""
    hundreds, rest = divmod(number, 100)
    if hundreds == 0:
        return _below_hundred(rest, final=final)
    head = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent"
    if rest == 0:
        return f"{head}s" if hundreds > 1 and final else head
    return f"{head} {_below_hundred(rest, final=final)}"


def integer_in_words(number: int) -> str:
    """A whole number below one thousand billion in French words (traditional orthography)."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError("number must be an int")
    if number < 0 or number >= _LIMIT:
        raise ValueError(f"number out of range: {number}")
    if number == 0:
        return _UNITS[0]
    words: list[str] = []
    rest = number
    for scale, noun in ((_BILLION, "milliard"), (_MILLION, "million")):
        count, rest = divmod(rest, scale)
        if count:
            plural = "s" if count > 1 else ""
            words.append(f"{_below_thousand(count, final=True)} {noun}{plural}")
    thousands, rest = divmod(rest, _THOUSAND)
    if thousands == 1:
        words.append("mille")
    elif thousands:
        words.append(f"{_below_thousand(thousands, final=False)} mille")
    if rest:
        words.append(_below_thousand(rest, final=True))
    return " ".join(words)


def _euros_in_words(euros: int) -> str:
    words = integer_in_words(euros)
    if euros >= _MILLION and euros % _MILLION == 0:
        return f"{words} d'euros"
    return f"{words} euro" if euros < 2 else f"{words} euros"


def _cents_in_words(cents: int) -> str:
    return (
        f"{integer_in_words(cents)} centime" if cents < 2 else f"{integer_in_words(cents)} centimes"
    )


def amount_in_words(amount: Decimal) -> str:
    """``Decimal("473.33")`` → ``quatre cent soixante-treize euros et trente-trois centimes``.

    Zero is ``zéro euro``; an amount below one euro is said in centimes only; a negative amount
    starts with ``moins``.
    """
    total_cents = cents_of(amount)
    sign = "moins " if total_cents < 0 else ""
    euros, cents = divmod(abs(total_cents), 100)
    if euros == 0 and cents:
        return sign + _cents_in_words(cents)
    text = _euros_in_words(euros)
    if cents:
        text = f"{text} et {_cents_in_words(cents)}"
    return sign + text


def _group(digits: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NARROW_NBSP.join(groups)


def amount_in_figures(amount: Decimal) -> str:
    """``Decimal("1234.5")`` → ``1 234,50 €`` (narrow no-break spaces, true minus sign)."""
    total_cents = cents_of(amount)
    sign = _MINUS if total_cents < 0 else ""
    euros, cents = divmod(abs(total_cents), 100)
    return f"{sign}{_group(str(euros))},{cents:02d}{NBSP}€"


def amount_in_words_and_figures(amount: Decimal) -> str:
    """``deux cents euros (200,00 €)``: the FALC form used in every letter."""
    return f"{amount_in_words(amount)} ({amount_in_figures(amount)})"


def date_in_words(day: date, *, article: bool = True) -> str:
    """``le 5 mars 2024``; ``le 1er mars 2024`` for the first day of a month."""
    text = fr_date(day)
    return f"le {text}" if article else text


def date_range_in_words(start: date, end: date) -> str:
    """``du 11 mars 2024 au 27 septembre 2024``."""
    if end < start:
        raise ValueError("end before start")
    return f"du {date_in_words(start, article=False)} au {date_in_words(end, article=False)}"


def month_in_words(year: int, month: int) -> str:
    """``mars 2024`` (``rules.Month.french``)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return Month(year, month).french


def of_month_in_words(year: int, month: int) -> str:
    """``de mars 2024`` / ``d'avril 2024``: the month after ``le mois``, with the elision
    (``rules.french.fr_of_month``)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return fr_of_month(Month(year, month))


def period_in_words(period: Month | str, *, of: bool = False) -> str:
    """A month (or its contract form ``"2024-03"``) → ``mars 2024`` (or ``de mars 2024`` with
    ``of``); raises ``ValueError`` for a text that is not ``AAAA-MM``."""
    month = period if isinstance(period, Month) else Month.parse(period)
    if of:
        return of_month_in_words(month.year, month.month)
    return month_in_words(month.year, month.month)
