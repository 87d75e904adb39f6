"""What a person typing `remu` sees when the command is wrong: a French message on standard
error, a non-zero exit status, nothing written (no database needed for these)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.composition import main

PARAMETERS = Path(__file__).resolve().parents[2] / "rules" / "parameters" / "data"


def _copy_of_parameters(tmp_path: Path) -> Path:
    directory = tmp_path / "parametres"
    shutil.copytree(PARAMETERS, directory)
    return directory


def test_parameters_check_names_the_refused_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _copy_of_parameters(tmp_path)
    amount = directory / "advance.amount.yaml"
    amount.write_text(
        amount.read_text(encoding="utf-8").replace('value: "200.00"', "value: 200.0"),
        encoding="utf-8",
    )
    assert main(["parameters", "check", "--dir", str(directory)]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("Paramètres refusés : ")
    assert "advance.amount" in err


def test_parameters_check_and_show_on_a_sound_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _copy_of_parameters(tmp_path)
    assert main(["parameters", "check", "--dir", str(directory)]) == 0
    assert "paramètres valides ; empreinte du jeu" in capsys.readouterr().out
    assert main(["parameters", "show", "advance.amount", "--dir", str(directory)]) == 0
    assert '"id": "advance.amount"' in capsys.readouterr().out


def test_parameters_show_refuses_a_malformed_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parameters", "show", "advance.amount", "--at", "15/03/2024"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == "Date invalide : 15/03/2024 (AAAA-MM-JJ attendu)"


def test_parameters_show_refuses_an_unknown_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parameters", "show", "advance.montant", "--at", "2024-03-01"]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert "advance.montant" in err


def test_parameters_show_before_any_value_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parameters", "show", "advance.amount", "--at", "1990-01-01"]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert "advance.amount" in err and "1990-01-01" in err


def test_evaluate_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "demande.json"
    assert main(["evaluate", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"Fichier illisible : {missing} (")


def test_an_unknown_command_is_refused_with_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["payer"])
    assert stopped.value.code == 2
    assert "invalid choice: 'payer'" in capsys.readouterr().err
