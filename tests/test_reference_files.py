"""Every YAML file of the repository goes through the one loader (`rules.reference_data`), and
every dated file through its own schema on top of it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from exports.letters.deadlines import letter_rules
from exports.letters.templates import load_service_contact, load_templates
from payments.config import procedure_rules
from payments.returns.reasons import reason_codes
from payments.sepa import is_target2_business_day, sepa_countries
from remuneration.cases.domain.config import (
    load_auto_case_rules,
    load_business_calendar,
    load_macros,
    load_service_levels,
    load_work_rules,
)
from remuneration.cases.domain.errors import CaseConfigurationError
from remuneration.operations import load_operations_policy
from rules import default_store
from rules.reference_data import ReferenceDataError, read_yaml

ROOT = Path(__file__).resolve().parent.parent
_SKIPPED = {".venv", ".git", "build", "node_modules", ".mypy_cache", ".ruff_cache"}
_PACKAGES = ("rules", "remuneration", "payments", "exports", "api")


def _repository_files(pattern: str) -> list[Path]:
    return sorted(
        path for path in ROOT.rglob(pattern) if not _SKIPPED & set(path.relative_to(ROOT).parts)
    )


YAML_FILES = _repository_files("*.yaml") + _repository_files("*.yml")


def test_the_repository_has_yaml_files() -> None:
    assert len(YAML_FILES) >= 25  # rules' parameters, payments, letters, case queue, operations


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_loads_through_the_one_loader(path: Path) -> None:
    assert read_yaml(path) is not None


def test_no_package_reads_yaml_but_the_one_loader() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for package in _PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if re.search(r"^\s*(import yaml|from yaml)", path.read_text(encoding="utf-8"), re.M)
    ]
    assert readers == ["rules/reference_data.py"]


def test_every_dated_file_loads_through_its_schema() -> None:
    on = date(2026, 6, 15)
    assert len(default_store().ids) >= 15
    assert procedure_rules(on).source
    assert "AC04" in reason_codes(on)
    assert is_target2_business_day(date(2026, 6, 15))
    assert {"FR", "NO", "DE"} <= sepa_countries(on)
    assert letter_rules(on).waiver_request_days > 0
    assert load_templates().version and load_service_contact().organisation
    assert load_operations_policy(on=on).payment_run.business_day_of_month >= 1
    assert load_business_calendar(on=on) and load_service_levels(on=on)
    assert load_auto_case_rules(on=on) is not None and load_work_rules(on=on) is not None
    assert load_macros(on=on)


def _copy_with(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, (source, old)
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_unquoted_norway_is_refused(tmp_path: Path) -> None:
    source = ROOT / "rules/parameters/data/sepa.countries.yaml"
    path = _copy_with(tmp_path, source, '"NO", ', "NO, ")
    with pytest.raises(ReferenceDataError, match="valeur ambiguë 'NO'"):
        read_yaml(path)


def test_float_money_is_refused(tmp_path: Path) -> None:
    source = ROOT / "rules/parameters/data/advance.amount.yaml"
    text = source.read_text(encoding="utf-8")
    quoted = re.search(r'value: "(\d+\.\d+)"', text)
    assert quoted is not None
    path = _copy_with(tmp_path, source, quoted.group(0), f"value: {quoted.group(1)}")
    with pytest.raises(ReferenceDataError, match="virgule flottante"):
        read_yaml(path)


def test_unsorted_dates_are_refused(tmp_path: Path) -> None:
    source = ROOT / "remuneration/operations.yaml"
    first = re.search(r"valid_from: \"?(\d{4}-\d{2}-\d{2})\"?", source.read_text("utf-8"))
    assert first is not None
    text = source.read_text(encoding="utf-8")
    versions = text.index("versions:")
    body = text[versions:].split("\n  - ")
    assert len(body) >= 2
    # The same version twice: a duplicate date (the loader refuses unsorted or doubled dates).
    doubled = text + "\n  - " + body[1].rstrip("\n") + "\n"
    path = tmp_path / "operations.yaml"
    path.write_text(doubled, encoding="utf-8")
    with pytest.raises(ValueError, match="en double"):
        load_operations_policy(on=date(2026, 1, 1), path=path)


def test_a_case_queue_file_with_a_trap_is_refused(tmp_path: Path) -> None:
    source = ROOT / "remuneration/cases/config/work_rules.yaml"
    path = tmp_path / "work_rules.yaml"
    path.write_text(source.read_text("utf-8") + "\nextra: yes\n", encoding="utf-8")
    with pytest.raises(CaseConfigurationError, match="valeur ambiguë"):
        load_work_rules(on=date(2026, 1, 1), path=path)
