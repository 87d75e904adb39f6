"""The words the queue shows for a service-level clock: the text says it all (the colour only
repeats it, RGAA), durations in business hours and minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.http.console.queue_labels import duration_text, sla_label


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
