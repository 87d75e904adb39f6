"""The console's French formats for what the API writes in ISO form (periods, run names)."""

from __future__ import annotations

import pytest

from api.http.console.rendering import french_period, of_period
from payments.vocabulary import run_title


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2026-11", "novembre 2026"),
        ("2026-12-06", "6 décembre 2026"),
        ("2026-05-01", "1er mai 2026"),
        ("2026-03..2026-04", "mars à avril 2026"),
        ("2025-10..2026-02", "octobre 2025 à février 2026"),
        ("2026-12-01..2026-12-06", "1er décembre 2026 à 6 décembre 2026"),
        (None, "—"),
        ("", "—"),
        ("2026-02-30", "2026-02-30"),  # not a day: shown as it is, never hidden
        ("2026-13", "2026-13"),
        ("hors période", "hors période"),
    ],
)
def test_a_period_reads_in_french(written: str | None, read: str) -> None:
    assert french_period(written) == read


def test_a_run_is_named_by_its_kind_and_its_period() -> None:
    assert run_title("monthly", "2026-11") == "Paie mensuelle de novembre 2026"
    assert run_title("monthly", "2026-04") == "Paie mensuelle d'avril 2026"
    assert run_title("advance", "2026-12-06") == "Avances du 6 décembre 2026"
    assert run_title("advance", "2026-12") == "Avances 2026-12"  # unreadable: as stored
    assert run_title("weekly", "2026-W49") == "weekly 2026-W49"
    assert of_period("2026-08") == "d'août 2026"
    assert of_period("2026-8") == "de 2026-8"
