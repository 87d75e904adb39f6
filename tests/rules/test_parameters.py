"""Parameters are data: dated, sourced, refused whole when malformed."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from rules import ParameterError, evaluate, load_parameters
from rules.parameters import DEFAULT_DIRECTORY, REQUIRED_PARAMETERS, parse_parameter
from rules.parameters.schema import ParameterKind, ParameterValue
from tests.builders import TODAY, month, request


def raw(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "advance.amount",
        "label": "Avance",
        "type": "money",
        "values": [{"from": date(2019, 9, 1), "value": "200.00", "status": "R", "source": "Pacte"}],
    }
    data.update(changes)
    return data


def entry(day: str, value: object = "200.00", **extra: object) -> dict[str, object]:
    return {"from": day, "value": value, "status": "A", "source": "test", **extra}


def test_bundled_set_is_complete_and_sourced() -> None:
    store = load_parameters()
    assert sorted(REQUIRED_PARAMETERS) == store.ids
    for pid in store.ids:
        for value in store.parameter(pid).values:
            assert value.source
    assert len(store.digest) == 64


@pytest.mark.parametrize(
    ("day", "amount"),
    [
        ("2019-09-01", "652.02"),
        ("2021-04-30", "652.02"),
        ("2021-05-01", "685.00"),
        ("2022-06-30", "685.00"),
        ("2022-07-01", "712.40"),
        ("2023-03-31", "712.40"),
        ("2023-04-01", "723.36"),
        ("2024-03-31", "723.36"),
        ("2024-04-01", "756.63"),
        ("2025-03-31", "756.63"),
        ("2025-04-01", "769.49"),
        ("2026-11-28", "769.49"),
    ],
)
def test_every_revaluation_date(day: str, amount: str) -> None:
    value = load_parameters().at("remuneration.monthly_amount", date.fromisoformat(day))
    assert value.decimal == Decimal(amount)


def test_before_the_first_value_is_an_error_not_zero() -> None:
    store = load_parameters()
    with pytest.raises(ParameterError, match="aucune valeur en vigueur le 2019-08-31"):
        store.at("advance.amount", date(2019, 8, 31))
    with pytest.raises(ParameterError, match="paramètre inconnu"):
        store.at("does.not.exist", date(2024, 1, 1))


def test_a_closed_parameter_answers_an_error_after_closing() -> None:
    parameter = parse_parameter(
        raw(values=[entry("2019-09-01"), {"from": "2024-01-01", "closed": True, "source": "fin"}]),
        file_name="advance.amount.yaml",
    )
    assert parameter.closed_from == date(2024, 1, 1)
    files = {p.id: p for p in load_parameters().as_mapping().values()}
    files["advance.amount"] = parameter
    from rules.parameters import ParameterStore

    store = ParameterStore(files.values())
    assert store.at("advance.amount", date(2023, 12, 31)).decimal == Decimal("200.00")
    with pytest.raises(ParameterError, match="fermé"):
        store.at("advance.amount", date(2024, 1, 1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"values": [entry("2019-09-01", 200.0)]}, "virgule flottante"),
        ({"values": [entry("2019-09-01", "200")]}, "deux décimales"),
        ({"values": [entry("2019-09-01", 200)]}, "deux décimales"),
        ({"values": [entry("2020-01-01"), entry("2019-09-01")]}, "non triée"),
        ({"values": [entry("2019-09-01"), entry("2019-09-01")]}, "en double"),
        ({"values": [{"from": "2019-09-01", "value": "200.00", "status": "A"}]}, "source"),
        ({"values": [entry("2019-09-01", status="X")]}, "R, N ou A"),
        ({"values": [entry("2019-09-01", other=1)]}, "clé inconnue"),
        ({"values": [entry("01/09/2019")]}, "date AAAA-MM-JJ"),
        ({"values": []}, "au moins une valeur"),
        ({"type": "percent"}, "inconnu"),
        ({"id": ""}, "identifiant"),
        ({"label": None}, "libellé"),
        ({"extra": 1}, "clé inconnue"),
        ({"values": [{"from": "2019-09-01", "closed": True, "source": "fin"}]}, "aucune valeur"),
        (
            {
                "values": [
                    entry("2019-09-01"),
                    {"from": "2020-01-01", "closed": True, "source": "x"},
                    entry("2021-01-01"),
                ]
            },
            "après la fermeture",
        ),
        (
            {"values": [{"from": "2019-09-01", "closed": True, "value": "1.00", "source": "x"}]},
            "fermeture",
        ),
        ({"values": [{"from": "2019-09-01", "status": "A", "source": "x"}]}, "valeur manquante"),
        ({"values": ["2019-09-01"]}, "dictionnaire"),
    ],
)
def test_malformed_files_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_parameter(raw(**changes), file_name="advance.amount.yaml")


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("decimal", 0.5, "virgule flottante"),
        ("decimal", "1,5", "décimal entre guillemets"),
        ("decimal", True, "décimale attendue"),
        ("integer", "16", "entier attendu"),
        ("integer", True, "entier attendu"),
        ("boolean", "yes", "booléen"),
        ("codes", ["FR", False], "chaîne entre guillemets"),
        ("codes", "FR", "liste de codes"),
        ("codes", ["FR", "FR"], "en double"),
        ("bands", [{"from_km": "15", "amount": "50.00"}], "commence à 0"),
        (
            "bands",
            [{"from_km": "0", "amount": "0.00"}, {"from_km": "0", "amount": "1.00"}],
            "ordre croissant",
        ),
        ("bands", [{"from_km": "0"}], "exactement"),
        ("bands", [], "liste de tranches"),
    ],
)
def test_values_are_typed(kind: str, value: object, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_parameter(raw(type=kind, values=[entry("2019-09-01", value)]), file_name="x.yaml")


def test_norway_is_not_a_boolean() -> None:
    text = "id: sepa.countries\nlabel: x\ntype: codes\nvalues:\n  - from: 2019-09-01\n"
    text += "    value: [FR, NO]\n    status: N\n    source: EPC\n"
    with pytest.raises(ParameterError, match="NO, YES"):
        parse_parameter(yaml.safe_load(text), file_name="sepa.countries.yaml")


def test_typed_accessors_refuse_the_wrong_kind() -> None:
    value = ParameterValue("x", Decimal("1.00"), date(2019, 9, 1), "s", "A")
    with pytest.raises(ParameterError):
        _ = value.integer
    with pytest.raises(ParameterError):
        _ = value.boolean
    with pytest.raises(ParameterError):
        _ = value.codes
    with pytest.raises(ParameterError):
        _ = value.bands
    with pytest.raises(ParameterError):
        _ = ParameterValue("x", True, date(2019, 9, 1), "s", "A").decimal
    assert ParameterKind("bands") is ParameterKind.BANDS


def copy_parameters(tmp_path: Path) -> Path:
    target = tmp_path / "parameters"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def test_changing_a_file_changes_results_without_code(tmp_path: Path) -> None:
    directory = copy_parameters(tmp_path)
    path = directory / "advance.amount.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"200.00"', '"250.00"'), "utf-8")
    store = load_parameters(directory)
    assert store.digest != load_parameters().digest
    data = request(months=[month("2024-03", 105, 105)])
    changed = evaluate(data, today=TODAY, parameters=store)
    bundled = evaluate(data, today=TODAY)
    assert [line.amount for line in changed.lines if line.kind == "advance"] == [Decimal("250.00")]
    assert [line.amount for line in bundled.lines if line.kind == "advance"] == [Decimal("200.00")]
    assert changed.parameters_digest == store.digest


def test_a_malformed_file_is_refused_naming_file_and_value(tmp_path: Path) -> None:
    directory = copy_parameters(tmp_path)
    path = directory / "equipment.cap.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"500.00"', "500.0"), "utf-8")
    with pytest.raises(ParameterError) as caught:
        load_parameters(directory)
    assert "equipment.cap.yaml" in str(caught.value)
    assert "500.0" in str(caught.value) or "virgule flottante" in str(caught.value)


def test_directory_problems(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="introuvable"):
        load_parameters(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParameterError, match="aucun fichier"):
        load_parameters(tmp_path / "empty")
    directory = copy_parameters(tmp_path)
    (directory / "advance.amount.yaml").rename(directory / "avance.yaml")
    with pytest.raises(ParameterError, match="doit s'appeler"):
        load_parameters(directory)
    (directory / "avance.yaml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ParameterError, match="YAML illisible"):
        load_parameters(directory)
    (directory / "avance.yaml").write_text("- a list", encoding="utf-8")
    with pytest.raises(ParameterError, match="dictionnaire"):
        load_parameters(directory)


def test_a_set_missing_a_parameter_or_with_a_duplicate_is_refused(tmp_path: Path) -> None:
    directory = copy_parameters(tmp_path)
    (directory / "advance.amount.yaml").unlink()
    with pytest.raises(ParameterError, match=r"paramètres manquants : advance\.amount"):
        load_parameters(directory)
    from rules.parameters import ParameterStore

    parameters = list(load_parameters().as_mapping().values())
    with pytest.raises(ParameterError, match="en double"):
        ParameterStore([*parameters, parameters[0]])


def test_describe_is_plain_data() -> None:
    store = load_parameters()
    bands = store.describe("mobility.bands")
    assert bands["values"][0]["value"][1] == {"from_km": "15", "amount": "50.00"}  # type: ignore[index]
    assert store.describe("advance.recoverable")["values"][0]["value"] is True  # type: ignore[index]
    assert store.describe("sepa.countries")["values"][0]["value"][0] == "AD"  # type: ignore[index]


def test_an_in_force_date_that_is_a_number_is_refused() -> None:
    with pytest.raises(ParameterError, match="date AAAA-MM-JJ attendue, reçu 20190901"):
        parse_parameter(raw(values=[entry(20190901)]), file_name="advance.amount.yaml")  # type: ignore[arg-type]


def test_answers_stay_right_once_the_answer_cache_is_full() -> None:
    """The store remembers at most 100 000 answers; past that it still answers, from the file."""
    store = load_parameters()
    first = date(2019, 9, 1)
    for offset in range(100_001):
        store.at("advance.amount", date.fromordinal(first.toordinal() + offset))
    late = store.at("remuneration.monthly_amount", date(2300, 1, 1))
    assert late.decimal == Decimal("769.49")
    assert late.in_force_from == date(2025, 4, 1)
