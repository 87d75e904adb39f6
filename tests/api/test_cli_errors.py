"""What a person typing `remu` sees when the command is wrong: a French message on standard
error, a non-zero exit status, nothing written; mistyped arguments are refused before any
database is opened."""

from __future__ import annotations

import base64
import json
import secrets
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from api.cli.display import day_in_words
from api.composition import main
from payments.calendar import is_payment_business_day
from payments.sepa import next_target2_business_day
from remuneration.db.session import sqlite_file_url
from tests.dbsupport import database_url_for, fresh_database

PARAMETERS = Path(__file__).resolve().parents[2] / "rules" / "parameters" / "data"


def _copy_of_parameters(tmp_path: Path) -> Path:
    directory = tmp_path / "parameters-copy"
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
    assert "choix invalide : « payer » (choix possibles : 'serve'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            [
                "payments",
                "run",
                "--kind",
                "monthly",
                "--period",
                "2026-11",
                "--execution-date",
                "02/12/2026",
            ],
            "« 02/12/2026 » n'est pas une date au format AAAA-MM-JJ",
        ),
        (
            [
                "payments",
                "release",
                "lot-12",
                "--user",
                "bea",
                "--transactions",
                "3",
                "--control-sum",
                "1.00",
            ],
            "« lot-12 » n'est pas un identifiant (UUID)",
        ),
        (["bank", "import", "retour-banque.xml"], "fichier introuvable : retour-banque.xml"),
        (["cases", "absence", "bea", "2026-12-01", "demain"], "« demain » n'est pas une date"),
        (["export", "payment-run", "paie-de-mai"], "« paie-de-mai » n'est pas un identifiant"),
        (
            ["users", "create", "--name", "of", "--role", "organisation", "--organisation", "x"],
            "« x » n'est pas un identifiant (UUID)",
        ),
    ],
)
def test_mistyped_arguments_are_refused_before_anything_runs(
    argv: list[str],
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert said in err
    assert list(tmp_path.iterdir()) == []  # no database, no file


@pytest.mark.parametrize(
    ("totals", "said"),
    [
        (
            ["--transactions", "douze", "--control-sum", "2400,00"],
            "Nombre de virements illisible : « douze » (par exemple --transactions 12).",
        ),
        (
            ["--transactions", "12", "--control-sum", "2.400,00"],
            "Montant illisible : « 2.400,00 » (par exemple --control-sum 2400,00 ou 2400.00).",
        ),
    ],
)
def test_release_totals_must_be_numbers(
    totals: list[str],
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["payments", "release", "00000000-0000-4000-8000-000000000000", "--user", "bea"]
    assert main([*argv, *totals]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"{said}\n")  # one line
    assert list(tmp_path.iterdir()) == []  # refused before any database is opened


@pytest.fixture
def operator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell: the test database migrated, secrets in the environment."""
    url = database_url_for(tmp_path)
    fresh_database(url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REMU_JWT_SECRET", secrets.token_urlsafe(48))
    monkeypatch.setenv("REMU_DATA_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    monkeypatch.setenv("REMU_DOCUMENT_STORE_DIR", str(tmp_path / "documents"))
    monkeypatch.delenv("REMU_NEW_DATA_KEY", raising=False)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_an_operators_refused_commands(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "migrate") == (0, "Base de données à jour.\n", "")
    status, generated, _ = _run(capsys, "keys", "generate")
    assert status == 0 and len(base64.urlsafe_b64decode(generated.strip())) == 32

    monkeypatch.setenv("REMU_NEW_DATA_KEY", "trop-courte")
    status, _, err = _run(capsys, "keys", "rotate")
    assert status == 2
    assert "REMU_NEW_DATA_KEY" in err and "« remu keys generate »" in err

    assert _run(capsys, "users", "create", "--name", "claire", "--role", "finance")[0] == 0
    status, key, _ = _run(capsys, "api-keys", "create", "--user", "claire", "--label", "essai")
    assert status == 0
    status, out, _ = _run(capsys, "api-keys", "revoke", key.strip())  # the whole key pasted
    assert status == 0 and "révoquée" in out
    assert key.strip() not in out  # only its public prefix is said back
    assert _run(capsys, "users", "deactivate", "--name", "claire")[0] == 0
    status, out, err = _run(capsys, "api-keys", "create", "--user", "claire")
    assert status != 0 and out == ""
    assert "L'utilisateur claire est désactivé." in err

    target = operator / "lot.xml"
    unknown = "00000000-0000-4000-8000-000000000000"
    status, out, err = _run(capsys, "payments", "file", unknown, "-o", str(target))
    assert status != 0 and out == ""
    assert "introuvable" in err
    assert not target.exists()


def test_check_config_names_what_is_wrong(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`remu check-config` on an unreachable database and a document store that cannot be
    written: each failure on its own line, exit status 2."""
    blocked = operator / "un-fichier"
    blocked.write_text("pas un dossier", encoding="utf-8")
    monkeypatch.setenv("REMU_DOCUMENT_STORE_DIR", str(blocked / "pieces"))
    monkeypatch.setenv("REMU_METRICS_TOKEN", secrets.token_urlsafe(32))
    monkeypatch.setenv("DATABASE_URL", sqlite_file_url(operator / "neuve.sqlite3"))
    status, out, _ = _run(capsys, "check-config")
    assert status == 2
    assert "ÉCHEC migrations : schéma en retard : lancez « remu migrate »" in out
    monkeypatch.setenv("DATABASE_URL", sqlite_file_url(operator / "absente.sqlite3"))
    (operator / "absente.sqlite3").mkdir()  # a folder where the database file should be
    status, out, _ = _run(capsys, "check-config")
    assert status == 2
    assert "ÉCHEC base : base injoignable (OperationalError)" in out
    assert "migrations" not in out  # not read when the database does not answer
    assert "ÉCHEC documents : dossier des pièces non inscriptible" in out
    assert "ok    métriques : /metrics protégé par jeton" in out
    assert "Configuration valide." not in out

    monkeypatch.setenv("DATABASE_URL", sqlite_file_url(blocked / "remu.sqlite3"))
    status, out, err = _run(capsys, "check-config")
    assert (status, out) == (2, "")
    assert err.startswith(f"Fichier ou dossier inaccessible : {blocked}")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["payments", "run", "--kind", "monthly", "--period", "2026-13"],
            "La période d'une paie mensuelle s'écrit AAAA-MM.",
        ),
        (
            ["payments", "run", "--kind", "advance", "--period", "2026-02-30"],
            "La période d'un versement d'avances s'écrit AAAA-MM-JJ.",
        ),
        (["export", "summary", "--period", "2026-13"], "Le mois s'écrit AAAA-MM."),
        (["gdpr", "export", "--trainee", "00000000-0000-4000-8000-000000000000"], None),
        (["export", "payment-run", "00000000-0000-4000-8000-000000000000"], "Paie introuvable."),
        (["tokens", "create", "--user", "personne"], "Utilisateur introuvable."),
        (["jobs", "run", "case_queue", "--for", "2026-13-01"], None),
    ],
)
def test_bad_input_on_a_database_is_one_french_line(
    argv: list[str], said: str | None, operator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What an operator mistyped is answered on one line of French, exit status 2, never a
    stack trace, and nothing on standard output."""
    if argv[0] == "payments":
        execution = next_target2_business_day(date.today() + timedelta(days=1))
        argv = [*argv, "--execution-date", execution.isoformat()]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err and "Error" not in err
    expected = {
        "gdpr": "Stagiaire introuvable.",
        "jobs": "Date invalide : 2026-13-01 (AAAA-MM-JJ attendu)",
    }
    assert err.strip() == (said or expected[argv[0]])


def test_an_advance_run_with_nothing_due(
    operator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No dossier, nothing due: said in words on standard error, no run recorded."""
    day = date.today()
    while not is_payment_business_day(day):
        day -= timedelta(days=1)
    execution = next_target2_business_day(date.today() + timedelta(days=1)).isoformat()
    argv = ["payments", "run", "--kind", "advance", "--period", day.isoformat()]
    assert main([*argv, "--execution-date", execution]) == 0
    out, err = capsys.readouterr()
    assert out == "rien à payer\n"
    assert f"aucune avance due le {day_in_words(day.isoformat())} ;" in err
    assert main([*argv, "--execution-date", execution, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"created": False, "run": None}
