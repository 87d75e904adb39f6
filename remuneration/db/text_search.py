"""Substring search in SQL without wildcards from the user: `%` and `_` are searched as typed."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import InstrumentedAttribute

__all__ = ["LIKE_ESCAPE", "contains_text", "like_pattern"]

LIKE_ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """`%text%` in lower case, with the LIKE wildcards and the escape character escaped."""
    escaped = (
        text.lower()
        .replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def contains_text(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """Case-insensitive `column contains text`, the same on SQLite and PostgreSQL."""
    return func.lower(column).like(like_pattern(text), escape=LIKE_ESCAPE)
