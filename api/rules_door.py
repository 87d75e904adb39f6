"""What the three doors of the evaluation contract share at the edge: the parameter set in use
and today's date in the Region's time zone."""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from rules import ParameterStore, default_store, load_parameters

__all__ = ["PARIS", "parameter_store", "today_in_paris"]

PARIS = ZoneInfo("Europe/Paris")


def today_in_paris() -> date:
    """The Region's current date: the default ``as_of`` of an evaluation."""
    return datetime.now(PARIS).date()


@lru_cache(maxsize=1)
def parameter_store() -> ParameterStore:
    """The parameter set: ``REMU_PARAMETERS_DIR`` when set, else the bundled one."""
    directory = os.environ.get("REMU_PARAMETERS_DIR")
    return load_parameters(Path(directory)) if directory else default_store()
