"""The one loader of dated reference data: YAML read strictly, dates, order, in-force lookup."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from rules.reference_data import (
    DatedVersion,
    NotInForce,
    ReferenceDataError,
    check_dates,
    check_keys,
    find_floats,
    in_force,
    load_versions,
    parse_date,
    read_resource,
    read_yaml,
    require_source,
    version_in_force,
)


@pytest.mark.parametrize("word", ["NO", "no", "No", "yes", "YES", "on", "Off", "True", "FALSE"])
def test_yaml_booleans_in_disguise_are_refused(word: str) -> None:
    with pytest.raises(ReferenceDataError, match="valeur ambiguë") as caught:
        read_yaml(f"countries:\n  - FR\n  - {word}\n", name="pays.yaml")
    assert "pays.yaml, ligne 3" in str(caught.value)


def test_quoted_words_and_lowercase_booleans_are_kept() -> None:
    data = read_yaml('countries: ["NO", "yes"]\nclosed: true\nopen: false\n')
    assert data == {"countries": ["NO", "yes"], "closed": True, "open": False}


@pytest.mark.parametrize("text", ["amount: 723.36", "amount: 1.0e+3", "amount: .inf"])
def test_floats_are_refused(text: str) -> None:
    with pytest.raises(ReferenceDataError, match="virgule flottante"):
        read_yaml(text)


@pytest.mark.parametrize("text", ["days: 010", "minutes: 1:30", "days: -007"])
def test_octal_and_sexagesimal_integers_are_refused(text: str) -> None:
    with pytest.raises(ReferenceDataError, match="octal ou base 60"):
        read_yaml(text)


def test_plain_integers_dates_and_strings_are_read() -> None:
    data = read_yaml('days: 10\nzero: 0\nneg: -3\nfrom: 2024-03-17\nvalue: "723.36"\n')
    assert data == {
        "days": 10,
        "zero": 0,
        "neg": -3,
        "from": date(2024, 3, 17),
        "value": "723.36",
    }


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ReferenceDataError, match="clé 'days' en double"):
        read_yaml("days: 10\ndays: 12\n")


def test_unreadable_and_unsafe_yaml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="YAML illisible"):
        read_yaml("a: [1, 2\n")
    with pytest.raises(ReferenceDataError, match="YAML refusé"):
        read_yaml("a: !!python/object:os.system {}\n")
    path = tmp_path / "x.yaml"
    path.write_text("a: NO\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"x\.yaml, ligne 1"):
        read_yaml(path)


def test_a_packaged_file_is_read_through_the_same_loader() -> None:
    data = read_resource("rules.parameters.data", "sepa.countries.yaml")
    assert "NO" in data["values"][-1]["value"]


def test_floats_are_found_in_data_built_in_python() -> None:
    found = list(find_floats({"a": [1, {"b": 2.5}], "c": (0.1,)}, "f"))
    assert found == ["f.a[1].b", "f.c[0]"]


def test_dates_are_days_never_moments() -> None:
    assert parse_date(date(2024, 1, 1), where="x") == date(2024, 1, 1)
    assert parse_date("2024-01-01", where="x") == date(2024, 1, 1)
    for wrong in ("01/01/2024", datetime(2024, 1, 1), 20240101, None):
        with pytest.raises(ReferenceDataError, match="date AAAA-MM-JJ"):
            parse_date(wrong, where="x")


def test_versions_are_strictly_ordered() -> None:
    check_dates([date(2024, 1, 1), date(2025, 1, 1)], where="v")
    with pytest.raises(ReferenceDataError, match="non triée"):
        check_dates([date(2025, 1, 1), date(2024, 1, 1)], where="v")
    with pytest.raises(ReferenceDataError, match="en double"):
        check_dates([date(2024, 1, 1), date(2024, 1, 1)], where="v")
    with pytest.raises(ReferenceDataError, match="au moins une version"):
        check_dates([], where="v")


def test_the_version_in_force_is_the_last_started() -> None:
    versions = [(date(2024, 1, 1), "a"), (date(2025, 1, 1), "b")]
    assert in_force(versions, date(2024, 12, 31), start=lambda v: v[0], where="v")[1] == "a"
    assert in_force(versions, date(2025, 1, 1), start=lambda v: v[0], where="v")[1] == "b"
    with pytest.raises(NotInForce, match="aucune version en vigueur le 2023-12-31"):
        in_force(versions, date(2023, 12, 31), start=lambda v: v[0], where="v")
    assert issubclass(NotInForce, LookupError)


def test_unknown_and_missing_keys_and_sources_are_refused() -> None:
    assert check_keys({"a": 1}, allowed={"a", "b"}, required={"a"}, where="w") == {"a": 1}
    with pytest.raises(ReferenceDataError, match="dictionnaire"):
        check_keys([1], allowed={"a"}, where="w")
    with pytest.raises(ReferenceDataError, match="clé inconnue"):
        check_keys({"z": 1}, allowed={"a"}, where="w")
    with pytest.raises(ReferenceDataError, match="clé manquante"):
        check_keys({}, allowed={"a"}, required=["a"], where="w")
    assert require_source("  Délibération 2024-12  ", where="w") == "Délibération 2024-12"
    for wrong in ("", "  ", None):
        with pytest.raises(ReferenceDataError, match="source manquante"):
            require_source(wrong, where="w")


class _Delay(DatedVersion):
    days: int


_DELAYS = """
source: délibération de test
versions:
  - in_force_from: 2024-01-01
    source: délibération 1
    days: 30
  - in_force_from: "2025-07-01"
    source: délibération 2
    days: 45
"""


def test_a_dated_file_is_read_whole_and_looked_up_by_day() -> None:
    versions = load_versions(_Delay, read_yaml(_DELAYS), where="letter_rules.yaml")
    assert [(v.in_force_from, v.days) for v in versions] == [
        (date(2024, 1, 1), 30),
        (date(2025, 7, 1), 45),
    ]
    assert version_in_force(versions, date(2025, 6, 30), where="letter_rules.yaml").days == 30
    assert version_in_force(versions, date(2025, 7, 1), where="letter_rules.yaml").source == (
        "délibération 2"
    )
    with pytest.raises(NotInForce, match="aucune version en vigueur le 2023-12-31"):
        version_in_force(versions, date(2023, 12, 31), where="letter_rules.yaml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("2025-07-01", "2023-07-01"), "non triée"),
        (("2025-07-01", "2024-01-01"), "en double"),
        (("2025-07-01", "2025-07-01T00:00"), "date AAAA-MM-JJ attendue"),
        (("    source: délibération 2\n", ""), "source"),
        (("days: 45", "days: 45\n    months: 1"), "months"),
    ],
)
def test_a_dated_file_that_cannot_be_trusted_is_refused_whole(
    change: tuple[str, str], message: str
) -> None:
    raw = read_yaml(_DELAYS.replace(*change))
    with pytest.raises(ValueError, match=message):
        load_versions(_Delay, raw, where="letter_rules.yaml")
