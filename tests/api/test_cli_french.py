"""The `remu` command speaks French: argparse's own words (usage, help headings, usage errors)
through `api.cli.french_parser`, checked against the argparse source of the Python running the
tests so that a new message of a Python upgrade is noticed; the figures and words of the
command's human output (`api.cli.display`)."""

from __future__ import annotations

import argparse
import ast
import base64
import inspect
import os
import re
import secrets
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from api.cli import main as cli
from api.cli.display import (
    count,
    day_in_words,
    period_in_words,
    period_short,
    typed_amount,
    typed_count,
)
from api.cli.french_parser import (
    MESSAGES,
    PLURAL_MESSAGES,
    FrenchArgumentParser,
    french_messages,
    translate,
    translate_plural,
)
from api.composition import build_parser, main
from remuneration.db.session import sqlite_file_url

ROOT = Path(__file__).resolve().parents[2]
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([a-z%])")
_ENGLISH = (
    "usage:",
    "error:",
    "positional arguments",
    "show this help",
    "are required",
    "invalid choice",
    "invalid int",
    "expected one",
    "unrecognized",
    "not allowed",
)


def _argparse_messages() -> tuple[set[str], set[tuple[str, str]]]:
    """Every string argparse hands to ``_`` or ``ngettext``, read from its source."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        texts = [str(a.value) for a in node.args if isinstance(a, ast.Constant)]
        if node.func.id == "ngettext":
            plurals.add((texts[0], texts[1]))
        elif node.func.id == "_":
            [argument] = node.args
            if isinstance(argument, ast.Call) and len(argument.args) == 2:  # kwargs.pop(k, default)
                default = argument.args[1]
                texts = []  # a None default: a group without a description
                if isinstance(default, ast.Constant) and isinstance(default.value, str):
                    texts = [default.value]
            singles.update(texts)
    return singles, plurals


def test_every_message_argparse_can_emit_has_its_french() -> None:
    singles, plurals = _argparse_messages()
    assert len(singles) > 25 and "usage: " in singles and "subcommands" in singles
    assert singles - set(MESSAGES) == set(), "argparse has new messages: translate them"
    assert set(MESSAGES) - singles == set(), "messages argparse no longer has"
    assert plurals == set(PLURAL_MESSAGES)


def _placeholders(text: str) -> tuple[set[str], int]:
    found = [m for m in _PLACEHOLDER.finditer(text) if m.group(2) != "%"]
    return {m.group(1) for m in found if m.group(1)}, sum(1 for m in found if not m.group(1))


def test_each_french_message_keeps_the_placeholders_of_its_english() -> None:
    pairs = [*MESSAGES.items()]
    for (singular, plural), (french_one, french_many) in PLURAL_MESSAGES.items():
        pairs += [(singular, french_one), (plural, french_many)]
    for english, french in pairs:
        assert _placeholders(french) == _placeholders(english), english
        assert french != "" and french.count("\n") == english.count("\n"), english


def test_an_unknown_message_is_shown_as_argparse_wrote_it() -> None:
    assert translate("a message of a newer Python: %s") == "a message of a newer Python: %s"
    assert translate(None) is None  # a group without a description
    assert translate_plural("%s new thing", "%s new things", 1) == "%s new thing"
    assert translate_plural("%s new thing", "%s new things", 3) == "%s new things"
    # French counts 0 and 1 as singular.
    assert translate_plural("expected %s argument", "expected %s arguments", 0) % 0 == (
        "0 valeur attendue"
    )
    assert translate_plural("expected %s argument", "expected %s arguments", 2) % 2 == (
        "2 valeurs attendues"
    )


def test_french_only_while_the_remu_parser_works(capsys: pytest.CaptureFixture[str]) -> None:
    english = argparse.ArgumentParser(prog="autre")
    parser = FrenchArgumentParser(prog="essai")
    parser.add_argument("--nombre", type=int, metavar="N")
    with pytest.raises(SystemExit):
        parser.parse_args(["--nombre"])
    assert "essai : erreur : argument --nombre : une valeur est attendue" in (
        capsys.readouterr().err
    )
    assert "show this help message and exit" in english.format_help()
    assert "afficher cette aide" not in argparse.ArgumentParser().format_help()
    with french_messages(), french_messages():  # nested: each restores what it found
        assert "afficher cette aide" in argparse.ArgumentParser().format_help()
    assert "usage: autre" in english.format_usage()


def _parsers(
    parser: argparse.ArgumentParser, path: str
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _parsers(sub, f"{path} {name}")
    return found


def test_every_help_page_is_in_french() -> None:
    pages = _parsers(build_parser(), "remu")
    assert len(pages) > 40
    for path, parser in pages:
        assert isinstance(parser, FrenchArgumentParser), path
        text = parser.format_help()
        assert text.startswith(f"usage : {path} "), path
        assert "options :" in text and "afficher cette aide et quitter" in text, path
        for word in _ENGLISH:
            assert word not in text, (path, word)
        for action in parser._actions:  # a value's name in French, never the English dest
            takes_value = action.nargs != 0 and action.help != argparse.SUPPRESS
            if takes_value and action.choices is None:
                assert action.metavar is not None, (path, action.dest)


def test_remu_help_lists_the_commands_under_french_headings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage : remu [-h] COMMANDE ...")
    assert "arguments positionnels :\n  COMMANDE\n" in out
    assert re.search(r"\n    payments +paies et fichiers de virements\n", out)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        ([], "remu : erreur : arguments obligatoires manquants : COMMANDE"),
        (["payments"], "remu payments : erreur : arguments obligatoires manquants : COMMANDE"),
        (
            ["payer"],
            "remu : erreur : argument COMMANDE : choix invalide : « payer » (choix possibles : "
            "'serve', 'migrate',",
        ),
        (
            ["payments", "run"],
            "remu payments run : erreur : arguments obligatoires manquants : --kind, --period, "
            "--execution-date",
        ),
        (
            ["payments", "list", "--status", "payé"],
            "argument --status : choix invalide : « payé » (choix possibles : 'prepared',",
        ),
        (["payments", "list", "--limit", "vingt"], "« vingt » n'est pas un nombre entier"),
        (["payments", "list", "--limit"], "argument --limit : une valeur est attendue"),
        (["payments", "list", "--tout"], "remu : erreur : arguments non reconnus : --tout"),
        (
            ["scheduler", "--simulate", "x"],
            "option ambiguë : --simulate peut désigner --simulate-from, --simulate-until",
        ),
        (["demo", "--trainees", "1e3"], "argument --trainees : « 1e3 » n'est pas un nombre entier"),
        (
            ["letters", "run", "-o", "lettres"],
            "l'un des arguments --payment-run --decisions-since est obligatoire",
        ),
        (
            ["letters", "run", "--decisions-since", "2026-01-01", "--payment-run", "x", "-o", "l"],
            "argument --payment-run : « x » n'est pas un identifiant (UUID)",
        ),
        (
            [
                *["letters", "run", "--decisions-since", "2026-01-01"],
                *["--payment-run", "00000000-0000-4000-8000-000000000000", "-o", "l"],
            ],
            "argument --payment-run : interdit avec l'argument --decisions-since",
        ),
        (["payments", "approve"], "arguments obligatoires manquants : LOT, --user"),
    ],
)
def test_usage_errors_in_french_with_exit_status_2(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage : remu")
    assert said in err, err
    for word in _ENGLISH:
        assert word not in err, word


def test_the_installed_command_answers_in_french(tmp_path: Path) -> None:
    """The `remu` process itself (the console script's module), as a person runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REMU_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "api.composition", "payments", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "usage : remu payments run [-h] --kind {advance,monthly} --period PÉRIODE",
        "                          --execution-date AAAA-MM-JJ [--user NOM] [--json]",
        "remu payments run : erreur : arguments obligatoires manquants : --kind, --period, "
        "--execution-date",
    ]


def test_an_unreachable_database_is_one_french_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REMU_HOME", str(tmp_path))
    monkeypatch.setenv("REMU_JWT_SECRET", secrets.token_urlsafe(48))
    monkeypatch.setenv("REMU_DATA_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    (tmp_path / "base.sqlite3").mkdir()  # a folder where the database file should be
    monkeypatch.setenv("DATABASE_URL", sqlite_file_url(tmp_path / "base.sqlite3"))
    assert main(["payments", "list"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "Base de données injoignable (OperationalError) : vérifiez DATABASE_URL et que le "
        "serveur est démarré (remu check-config).\n"
    )


def test_counts_periods_and_typed_figures() -> None:
    assert [count(n, "virement") for n in (0, 1, 2, 1234)] == [
        "0 virement",
        "1 virement",
        "2 virements",
        "1\u202f234 virements",
    ]
    assert count(3, "dossier suivi", "dossiers suivis") == "3 dossiers suivis"
    assert period_in_words("2026-11") == "de novembre 2026"
    assert period_in_words("2026-04") == "d'avril 2026"
    assert period_in_words("2026-12-07") == "du 7 décembre 2026"
    assert period_in_words("2026-13") == "2026-13"
    assert (day_in_words("2026-05-01"), day_in_words("demain")) == ("1er mai 2026", "demain")
    assert (period_short("2026-11"), period_short("2026-12-07")) == ("11/2026", "07/12/2026")
    assert period_short("2026-13") == "2026-13"
    # A total typed back as the command printed it (« 632 375,60 € ») or as a script writes it.
    for typed in ("632\u202f375,60\u00a0€", "632 375,60 €", "632375,60", "632375.60", "632375.6"):
        assert typed_amount(typed) == Decimal("632375.60"), typed
    for wrong in ("632.375,60", "douze", "12,345", "", "1e3", "12.5.0"):
        with pytest.raises(ValueError):
            typed_amount(wrong)
    assert typed_count("1 234") == 1234 and typed_count("12") == 12
    for wrong in ("douze", "-3", "1,5", ""):
        with pytest.raises(ValueError):
            typed_count(wrong)


def test_an_interrupted_command_says_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(_args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    parser = FrenchArgumentParser(prog="remu")
    parser.set_defaults(handler=interrupted)
    assert cli.run(parser, []) == cli.EXIT_INTERRUPTED == 130
    assert capsys.readouterr() == ("", "Commande interrompue.\n")
