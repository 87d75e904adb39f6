"""Rendering pages and fragments: one Jinja2 environment, French formats, htmx partials.

A page is rendered whole for a plain request; for an htmx request (`HX-Request` header) naming a
block, only that block is rendered (jinja2-fragments), so the same template serves both.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block

from api.http.console.labels import FACT_VALUES, WORDS
from api.http.console.navigation import menu_for
from exports.wording import amount_in_figures
from payments.returns.reasons import reason_in_words
from payments.vocabulary import run_title
from remuneration.domain.timezone import PARIS, paris_day
from remuneration.domain.vocabulary import EXIT_REASON_LABELS
from remuneration.services.context import Role
from rules.french import fr_date, fr_decimal, fr_hours, fr_of_month
from rules.periods import MONTH_NAMES, Month

__all__ = ["ROLE_LABELS", "environment", "euros", "french_period", "render"]

TEMPLATES = Path(__file__).parent / "templates"

ROLE_LABELS = {
    Role.INSTRUCTOR: "Instruction",
    Role.RELATION_USAGERS: "Relation usagers",
    Role.FINANCE: "Finance",
    Role.SUPERVISOR: "Encadrement",
    Role.ADMIN: "Administration",
    Role.ORGANISATION: "Organisme de formation",
}


def euros(amount: Decimal | str | None) -> str:
    """`1 234,56 €`, as the letters write it (``exports.wording.amount_in_figures``); an
    unknown amount says so."""
    if amount is None:
        return "inconnu"
    return amount_in_figures(Decimal(amount))


def french_date(value: date | None) -> str:
    """`6 décembre 2026`, `1er mai 2026` (``rules.french.fr_date``), in Paris time."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = paris_day(value)
    return fr_date(value)


def french_datetime(value: datetime | None) -> str:
    """`6 décembre 2026 à 14 h 05` in Paris time."""
    if value is None:
        return "—"
    moment = value.astimezone(PARIS)
    return f"{french_date(moment.date())} à {moment.hour} h {moment.minute:02d}"


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _month_words(text: str) -> tuple[str, str] | None:
    found = _MONTH.match(text)
    if found is None:
        return None
    return MONTH_NAMES[int(found.group(2)) - 1], found.group(1)


def _one_period(text: str) -> str:
    words = _month_words(text)
    if words is not None:
        return " ".join(words)
    if _DAY.match(text):
        try:
            return fr_date(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def french_period(value: str | None) -> str:
    """A period as the API writes it, as an agent reads it: `2026-11` → `novembre 2026`,
    `2026-12-06` → `6 décembre 2026`, `2026-03..2026-04` → `mars à avril 2026`; anything else
    is shown as it is (never hidden)."""
    if not value:
        return "—"
    first, separator, last = value.partition("..")
    if not separator:
        return _one_period(value)
    start, end = _month_words(first), _month_words(last)
    if start is not None and end is not None and start[1] == end[1]:
        return f"{start[0]} à {end[0]} {end[1]}"
    return f"{_one_period(first)} à {_one_period(last)}"


def of_period(value: str) -> str:
    """`de novembre 2026`, `d'avril 2026` for a `YYYY-MM` month; `de …` as typed otherwise."""
    try:
        return fr_of_month(Month.parse(value))
    except ValueError:
        return f"de {value}"


def french_number(value: Decimal | str | None) -> str:
    """`143`, `12,5`, `1 234` (``rules.french.fr_decimal``); an unknown figure says so."""
    return "inconnue" if value is None else fr_decimal(Decimal(value))


def french_hours(value: Decimal | str | None) -> str:
    """`35 h`, `17,5 h` (``rules.french.fr_hours``)."""
    return "inconnues" if value is None else fr_hours(Decimal(value))


def environment() -> Environment:
    """The console's template environment (autoescaped HTML, undefined names are errors)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["euros"] = euros
    env.filters["date_fr"] = french_date
    env.filters["datetime_fr"] = french_datetime
    env.filters["nombre"] = french_number
    env.filters["periode_fr"] = french_period
    env.filters["de_periode"] = of_period
    env.filters["heures"] = french_hours
    env.filters["motif_banque"] = reason_in_words
    env.globals["ROLE_LABELS"] = ROLE_LABELS
    env.globals["run_title"] = run_title
    env.globals["WORDS"] = WORDS
    env.globals["FACT_VALUES"] = FACT_VALUES
    env.globals["EXIT_REASONS"] = EXIT_REASON_LABELS
    env.globals["ROLE_LABELS_BY_VALUE"] = {role.value: label for role, label in ROLE_LABELS.items()}
    return env


_ENV = environment()


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    block: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The page (or, for an htmx request, its `block`) as an HTML response, never cached."""
    values = {"request": request, **context}
    values.setdefault("desk", None)
    values.setdefault("current", "")
    values["menu"] = menu_for(values["desk"]) if values["desk"] is not None else []
    if block is not None and request.headers.get("hx-request") == "true":
        body = render_block(_ENV, template, block, **values)
    else:
        body = _ENV.get_template(template).render(**values)
    response = HTMLResponse(body, status_code=status, headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response
