"""``remu evaluate`` and ``remu parameters``: the rules engine's command-line door."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from api.settings import parameter_store, today_in_paris
from remuneration.problems import problem_of
from rules import InputError, ParameterError, evaluate, load_parameters, loads, result_to_json

__all__ = ["register"]

EXIT_OK, EXIT_INPUT, EXIT_PARAMETERS = 0, 2, 3


def _evaluate(args: argparse.Namespace) -> int:
    source: str = args.file
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        print(f"Fichier illisible : {source} ({exc.strerror})", file=sys.stderr)
        return EXIT_INPUT
    try:
        result = evaluate(loads(raw), today=today_in_paris(), parameters=parameter_store())
    except (InputError, ParameterError) as error:
        problem = problem_of(error)
        assert problem is not None
        body = problem.body(request_id=None)
        sys.stderr.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        return problem.kind.exit_code
    sys.stdout.buffer.write(result_to_json(result))
    sys.stdout.flush()
    return EXIT_OK


def _store(args: argparse.Namespace) -> Any:
    return load_parameters(Path(args.dir)) if args.dir else parameter_store()


def _check(args: argparse.Namespace) -> int:
    try:
        store = _store(args)
    except ParameterError as error:
        print(f"Paramètres refusés : {error}", file=sys.stderr)
        return EXIT_PARAMETERS
    print(f"{len(store.ids)} paramètres valides ; empreinte du jeu : {store.digest}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    try:
        store = _store(args)
        ids = [args.id] if args.id else store.ids
        if args.at is None:
            shown: Any = [store.describe(pid) for pid in ids]
        else:
            at = date.fromisoformat(args.at)
            shown = [_value_at(store, pid, at) for pid in ids]
    except ParameterError as error:
        print(str(error), file=sys.stderr)
        return EXIT_PARAMETERS
    except ValueError:
        print(f"Date invalide : {args.at} (AAAA-MM-JJ attendu)", file=sys.stderr)
        return EXIT_INPUT
    print(json.dumps(shown[0] if args.id else shown, ensure_ascii=False, indent=2))
    return EXIT_OK


def _value_at(store: Any, parameter_id: str, at: date) -> dict[str, Any]:
    described = store.describe(parameter_id)
    value = store.at(parameter_id, at)
    entry = next(v for v in described["values"] if v["from"] == value.in_force_from.isoformat())
    return {"id": parameter_id, "at": at.isoformat(), **entry}


def register(subparsers: Any) -> None:
    """Add ``evaluate`` and ``parameters`` to the ``remu`` command."""
    evaluate_parser = subparsers.add_parser(
        "evaluate", help="évaluer un dossier (fichier JSON du contrat, ou - pour l'entrée)"
    )
    evaluate_parser.add_argument(
        "file", metavar="FICHIER", help="fichier JSON de la demande, ou - (entrée standard)"
    )
    evaluate_parser.set_defaults(handler=_evaluate)

    parameters = subparsers.add_parser("parameters", help="paramètres datés des règles")
    actions = parameters.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="vérifier les fichiers de paramètres")
    check.add_argument(
        "--dir", metavar="RÉPERTOIRE", help="répertoire des fichiers (par défaut : jeu en vigueur)"
    )
    check.set_defaults(handler=_check)
    show = actions.add_parser("show", help="afficher un paramètre ou tous")
    show.add_argument(
        "id", nargs="?", metavar="PARAMÈTRE", help="identifiant, par exemple advance.amount"
    )
    show.add_argument("--at", metavar="AAAA-MM-JJ", help="valeur en vigueur ce jour-là")
    show.add_argument(
        "--dir", metavar="RÉPERTOIRE", help="répertoire des fichiers (par défaut : jeu en vigueur)"
    )
    show.set_defaults(handler=_show)
