"""The dated configuration files: version selection and refusals."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from remuneration.cases.domain import (
    CaseConfigurationError,
    load_business_calendar,
    load_service_levels,
    load_work_rules,
    parse_business_duration,
)

SOURCE = "Test source long enough"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def work_rules(versions: str) -> str:
    return f"name: work_rules\nversions:\n{versions}"


def test_the_version_in_force_is_chosen_by_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "work.yaml",
        work_rules(
            f"  - {{valid_from: 2024-01-01, source: {SOURCE}, default_open_case_cap: 10}}\n"
            f"  - {{valid_from: 2025-03-01, source: {SOURCE}, default_open_case_cap: 12}}\n"
        ),
    )
    assert load_work_rules(on=date(2025, 2, 28), path=path).default_open_case_cap == 10
    assert load_work_rules(on=date(2025, 3, 1), path=path).default_open_case_cap == 12
    with pytest.raises(CaseConfigurationError, match="aucune version en vigueur"):
        load_work_rules(on=date(2023, 12, 31), path=path)


@pytest.mark.parametrize(
    "versions",
    [
        f"  - {{valid_from: 2025-01-01, source: {SOURCE}, default_open_case_cap: 10}}\n"
        f"  - {{valid_from: 2024-01-01, source: {SOURCE}, default_open_case_cap: 12}}\n",
        f"  - {{valid_from: 2024-01-01, source: {SOURCE}, default_open_case_cap: 10}}\n"
        f"  - {{valid_from: 2024-01-01, source: {SOURCE}, default_open_case_cap: 12}}\n",
        "  - {valid_from: 2024-01-01, default_open_case_cap: 10}\n",
        "  - {valid_from: 2024-01-01, source: '', default_open_case_cap: 10}\n",
        f"  - {{valid_from: 2024-01-01, source: {SOURCE}, default_open_case_cap: 10.0}}\n",
        f"  - {{valid_from: 2024-01-01, source: {SOURCE}, default_open_case_cap: 0}}\n",
        f"  - {{valid_from: 2024-01-01, source: {SOURCE}, cap: 10}}\n",
        "  []\n",
    ],
    ids=["unsorted", "duplicate", "no-source", "empty-source", "float", "zero", "unknown", "none"],
)
def test_refused_files(tmp_path: Path, versions: str) -> None:
    path = write(tmp_path, "work.yaml", work_rules(versions))
    with pytest.raises(CaseConfigurationError):
        load_work_rules(on=date(2025, 6, 1), path=path)


def test_wrong_file_name_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "work.yaml", "name: macros\nversions: []\n")
    with pytest.raises(CaseConfigurationError, match="name: work_rules"):
        load_work_rules(on=date(2025, 6, 1), path=path)


def test_a_float_threshold_is_refused(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[3] / "remuneration/cases/config/service_levels.yaml"
    text = shipped.read_text(encoding="utf-8").replace(
        'at_risk_percent: "80"', "at_risk_percent: 80.0"
    )
    path = write(tmp_path, "sl.yaml", text)
    with pytest.raises(CaseConfigurationError, match="virgule flottante"):
        load_service_levels(on=date(2025, 6, 1), path=path)


CALENDAR = """name: business_calendar
versions:
  - valid_from: 2024-01-01
    source: {source}
    timezone: {timezone}
    country: FR
    default_departement: "57"
    opening_hours:
      monday: [{monday}]
      tuesday: []
      wednesday: []
      thursday: []
      friday: []
      saturday: []
      sunday: []
    holiday_subdivisions: {{"57": "{subdivision}"}}
"""


def calendar_file(tmp_path: Path, **values: str) -> Path:
    defaults = {
        "source": SOURCE,
        "timezone": "Europe/Paris",
        "monday": '"08:00-24:00"',
        "subdivision": "57",
    }
    return write(tmp_path, "calendar.yaml", CALENDAR.format(**(defaults | values)))


def test_calendar_file_with_default_departement(tmp_path: Path) -> None:
    service = load_business_calendar(on=date(2025, 1, 1), path=calendar_file(tmp_path))
    assert service.departement == "57"
    assert service.holiday_subdivision == "57"
    assert service.is_holiday(date(2025, 12, 26))
    windows = service.opening_windows(date(2025, 7, 7))
    assert len(windows) == 1
    assert windows[0][1] - windows[0][0] == timedelta(hours=16)


@pytest.mark.parametrize(
    "values",
    [
        {"timezone": "Europe/Nowhere"},
        {"monday": '"09:00-08:00"'},
        {"monday": '"9h-12h"'},
        {"monday": '"09:75-12:00"'},
        {"monday": '"09:00-24:30"'},
        {"subdivision": "67"},
    ],
    ids=["timezone", "reversed", "format", "minutes", "past-midnight", "subdivision"],
)
def test_refused_calendars(tmp_path: Path, values: dict[str, str]) -> None:
    with pytest.raises(CaseConfigurationError):
        load_business_calendar(on=date(2025, 1, 1), path=calendar_file(tmp_path, **values))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5d", 35), ("4h", 4), ("1d4h", 11), ("2h30m", 2.5), ("0d", 0)],
)
def test_parse_business_duration(text: str, expected: float) -> None:
    assert parse_business_duration(text, business_day_hours=7) == timedelta(hours=expected)


@pytest.mark.parametrize("text", ["", "5", "d", "4h5d", "1.5h", "-2h"])
def test_parse_business_duration_refusals(text: str) -> None:
    with pytest.raises(CaseConfigurationError):
        parse_business_duration(text, business_day_hours=7)
