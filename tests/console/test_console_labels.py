"""The words the console shows: a service-level clock (the text says it all, the colour only
repeats it, RGAA), durations in business hours and minutes, amounts and dates in French with
an unknown value said so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from api.http.console.queue_labels import duration_text, sla_label
from api.http.console.rendering import euros, french_date, french_datetime
from exports.wording import amount_in_figures
from rules.french import fr_date


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=3, minutes=5), "3 h 05"),
        (timedelta(hours=-2, minutes=-30), "2 h 30"),
        (timedelta(seconds=59), "0 min"),
    ],
)
def test_durations_in_hours_and_minutes(duration: timedelta, text: str) -> None:
    assert duration_text(duration) == text


@pytest.mark.parametrize(
    ("state", "remaining", "at_risk", "expected"),
    [
        ("met", timedelta(hours=1), False, ("Respecté", "ok")),
        ("stopped", timedelta(hours=1), False, ("Arrêté", "neutre")),
        ("paused", timedelta(hours=4), False, ("En pause (il restera 4 h 00 ouvrées)", "neutre")),
        ("breached", timedelta(minutes=-90), False, ("En retard de 1 h 30 ouvrées", "erreur")),
        ("running", timedelta(minutes=-5), False, ("En retard de 5 min ouvrées", "erreur")),
        (
            "running",
            timedelta(minutes=40),
            True,
            ("Échéance proche : il reste 40 min ouvrées", "attention"),
        ),
        ("running", timedelta(hours=7), False, ("Il reste 7 h 00 ouvrées", "neutre")),
    ],
)
def test_a_service_level_clock_in_words(
    state: str, remaining: timedelta, at_risk: bool, expected: tuple[str, str]
) -> None:
    assert sla_label(state, remaining, at_risk) == expected


def test_unknown_amounts_and_dates_are_said_so() -> None:
    assert euros(None) == "inconnu"
    assert euros("1234.5") == amount_in_figures(Decimal("1234.50"))
    assert french_date(None) == "—"
    assert french_datetime(None) == "—"
    # 23:30 UTC on 31 December is already New Year's Day in Paris.
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert french_date(late) == fr_date(date(2027, 1, 1))
    assert french_datetime(late) == f"{fr_date(date(2027, 1, 1))} à 0 h 30"
