"""What a trainee reads of a computed line: one plain sentence, and the detail for an annex.

The engine's explanations are written for agents: they cite each parameter's source and in-force
date, and a parameter still to be confirmed by the Region says so. None of that belongs in a
letter. A letter shows one plain sentence per line (« 24 jours de formation sur 31 en mars,
moins 3 h 30 d'absence non justifiée »), read from the figures of the explanation, and puts the
detailed calculation, without sources or internal notes, on an annex page.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["detail_for_annex", "hours_in_words", "is_plain", "plain_sentence"]

_DAYS = re.compile(r"× (\d+) jours / (\d+) jours")
_ABSENCE = re.compile(r"× ([\d,]+) h d'absence non justifiée")
_PART_TIME = re.compile(r"× ([\d,]+) h de présence et d'absence justifiée")
_INSERTION = re.compile(r"× ([\d,]+) h hors temps de travail")
_PRESENCE = re.compile(r"× ([\d,]+) h (?:de présence|hors temps de travail) / ([\d,]+) h prévues")
_DISTANCE = re.compile(r"formation : ([\d,]+) km")
_INTERNAL = ("en vigueur depuis", "ypothèse", "à confirmer")


def hours_in_words(text: str) -> str:
    """``3,5`` → ``3 h 30``, ``98`` → ``98 h`` (what a trainee reads on a timesheet)."""
    value = Decimal(text.replace(",", "."))
    whole = int(value)
    minutes = int((value - whole) * 60)
    return f"{whole} h {minutes:02d}" if minutes else f"{whole} h"


def _month(period: str, month_names: tuple[str, ...]) -> str:
    return month_names[int(period[5:7]) - 1]


def _remuneration(explanation: str, month: str) -> str | None:
    part = _PART_TIME.search(explanation)
    if part:
        return f"{hours_in_words(part.group(1))} de présence et d'absence justifiée en {month}"
    insertion = _INSERTION.search(explanation)
    if insertion:
        return f"{hours_in_words(insertion.group(1))} de formation hors de votre temps de travail"
    days = _DAYS.search(explanation)
    if days is None:
        return None
    sentence = f"{days.group(1)} jours de formation sur {days.group(2)} en {month}"
    absence = _ABSENCE.search(explanation)
    if absence:
        sentence += f", moins {hours_in_words(absence.group(1))} d'absence non justifiée"
    return sentence


def _mobility(explanation: str, month: str) -> str | None:
    presence, distance = _PRESENCE.search(explanation), _DISTANCE.search(explanation)
    if presence is None or distance is None:
        return None
    return (
        f"{distance.group(1)} km entre votre domicile et la formation ; "
        f"{hours_in_words(presence.group(1))} de présence sur {hours_in_words(presence.group(2))}"
        f" prévues en {month}"
    )


def plain_sentence(
    kind: str, period: str, explanation: str, month_names: tuple[str, ...]
) -> str | None:
    """One plain sentence for a line, from its explanation's figures; None when there is none."""
    month = _month(period, month_names)
    sentence: str | None = None
    if kind == "remuneration":
        sentence = _remuneration(explanation, month)
    elif kind == "mobility":
        sentence = _mobility(explanation, month)
    return None if sentence is None else sentence[0].upper() + sentence[1:] + "."


def _without_internal_notes(text: str) -> str:
    """Remove every parenthesised group (nested ones included) holding a source or a note."""
    out: list[str] = []
    stack: list[int] = []
    for char in text:
        if char == "(":
            stack.append(len(out))
        out.append(char)
        if char == ")" and stack:
            start = stack.pop()
            group = "".join(out[start:])
            if any(marker in group for marker in _INTERNAL):
                del out[start:]
    return "".join(out)


def detail_for_annex(explanation: str) -> str:
    """The engine's calculation without sources, in-force dates or notes meant for the Region."""
    text = _without_internal_notes(explanation)
    text = re.sub(r"\s+([.,;])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def is_plain(text: str) -> bool:
    """A text a trainee can read as it is: no calculation, no citation, not empty."""
    return bool(text) and not any(mark in text for mark in ("(", "×", "=", *_INTERNAL))
