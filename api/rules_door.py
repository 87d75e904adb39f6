"""What the doors share at the edge: the clock, the parameter set in use and today's date in the
Region's time zone (the doors read the clock here; nothing below `api/` does)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from remuneration.domain.timezone import PARIS
from rules import ParameterStore, default_store, load_parameters

__all__ = ["parameter_store", "system_clock", "today_in_paris"]


def system_clock() -> datetime:
    """The real time, in UTC (the doors' only way to read the clock)."""
    return datetime.now(UTC)


def today_in_paris() -> date:
    """The Region's current date: the default ``as_of`` of an evaluation."""
    return datetime.now(PARIS).date()


@lru_cache(maxsize=1)
def parameter_store() -> ParameterStore:
    """The parameter set: ``REMU_PARAMETERS_DIR`` when set, else the bundled one."""
    directory = os.environ.get("REMU_PARAMETERS_DIR")
    return load_parameters(Path(directory)) if directory else default_store()
