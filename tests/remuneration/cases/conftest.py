"""Shared fixtures of the case-queue domain tests: the shipped configuration, loaded once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from remuneration.cases.domain import (
    BusinessCalendar,
    Macro,
    ServiceLevelPolicy,
    load_business_calendar,
    load_macros,
    load_service_levels,
)

IN_FORCE = date(2025, 1, 1)


@pytest.fixture(scope="session")
def calendar() -> BusinessCalendar:
    """The national calendar (no Alsace-Moselle days), default opening hours."""
    return load_business_calendar(on=IN_FORCE, departement="75")


@pytest.fixture(scope="session")
def policy() -> ServiceLevelPolicy:
    return load_service_levels(on=IN_FORCE)


@pytest.fixture(scope="session")
def macros() -> Mapping[str, Macro]:
    return load_macros(on=IN_FORCE)
