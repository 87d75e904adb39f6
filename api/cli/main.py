"""The `remu` command line: migrate, demo data, users and tokens, and the agents' commands
(rules, payments, cases, exports). `api.composition` adds the other doors' commands (``serve``,
``jobs``…) and is the console script's entry point.

Commands print their result on standard output (a token alone, for scripts) and their errors in
French on standard error, one line and no stack trace, with exit status 2 for bad input or
configuration (argparse's own usage errors included: the parser is a `FrenchArgumentParser`),
130 when interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from api.cli import accounts, cases, exports, keys, passwords, payments, privacy, rules
from api.cli.arguments import integer
from api.cli.localsecrets import ensure_local_secrets
from api.settings import (
    ConfigurationError,
    Settings,
    env_file,
    find_home,
    issue_token,
    load_settings,
    system_clock,
)
from remuneration.db.migrate import upgrade
from remuneration.db.models import User
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.demo.loader import demo_loaded, load_demo
from remuneration.domain.errors import DomainError
from remuneration.problems import problem_of
from remuneration.services.context import Role
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector, decode_master_key
from rules import InputError, ParameterError

__all__ = [
    "EXIT_OK",
    "EXIT_USAGE",
    "load_demo_data",
    "load_demo_if_needed",
    "print_tokens",
    "register",
    "run",
]

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130


def _migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    print("Base de données à jour.")
    return EXIT_OK


def print_tokens(settings: Settings, *, now: datetime) -> None:
    """One bearer token per demonstration role, on standard output (`role<TAB>token`)."""
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine, read_only=True)() as session,
    ):
        for role in Role:
            user = session.scalar(select(User).where(User.name == f"demo-{role.value}"))
            if user is not None:
                print(f"{role.value}\t{issue_token(settings, user=user, now=now)}")


def load_demo_data(settings: Settings, *, trainees: int, seed: int, now: datetime) -> str:
    """Load the demonstration data set into the database of `settings` (once): its summary."""
    protector = FieldProtector(decode_master_key(settings.data_key.get_secret_value()))
    store = DocumentStore(settings.document_store_dir, protector)
    return load_demo(settings.database_url, protector, store, trainees=trainees, seed=seed, now=now)


def load_demo_if_needed(settings: Settings, *, console_url: str) -> None:
    """``remu serve --demo``: the data set unless already loaded, then the tokens and the
    console's sign-ins at ``console_url`` (the address actually served)."""
    if not demo_loaded(settings.database_url):
        print(
            load_demo_data(settings, trainees=300, seed=2024, now=system_clock()), file=sys.stderr
        )
    print_tokens(settings, now=system_clock())
    passwords.print_sign_ins(file=sys.stderr, url=console_url)


def _demo(args: argparse.Namespace) -> int:
    ensure_local_secrets(env_file(find_home()))
    settings = load_settings()
    upgrade(settings.database_url)
    print(
        load_demo_data(settings, trainees=args.trainees, seed=args.seed, now=system_clock()),
        file=sys.stderr,
    )
    print_tokens(settings, now=system_clock())
    # `remu demo` serves nothing: the address `remu serve` uses when given no option.
    passwords.print_sign_ins(file=sys.stderr, url=passwords.console_url())
    return EXIT_OK


def register(subparsers: Any) -> None:
    """The command line's own commands."""
    subparsers.add_parser("migrate", help="appliquer les migrations").set_defaults(handler=_migrate)
    demo = subparsers.add_parser("demo", help="charger un jeu de données réaliste")
    demo.add_argument(
        "--trainees", type=integer, default=300, metavar="N", help="nombre de stagiaires (300)"
    )
    demo.add_argument(
        "--seed", type=integer, default=2024, metavar="N", help="graine du tirage (2024)"
    )
    demo.set_defaults(handler=_demo)
    passwords.register(accounts.register(subparsers))
    keys.register(subparsers)
    rules.register(subparsers)
    payments.register(subparsers)
    cases.register(subparsers)
    exports.register(subparsers)
    privacy.register(subparsers)


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run its command: errors in French on standard error, exit status 2."""
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except ConfigurationError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # a path of the configuration that cannot be created or read
        where = f" : {error.filename}" if error.filename else ""
        print(f"Fichier ou dossier inaccessible{where} ({error.strerror}).", file=sys.stderr)
        return EXIT_USAGE
    except OperationalError as error:  # the database of DATABASE_URL does not answer
        print(
            f"Base de données injoignable ({type(error.orig).__name__}) : vérifiez DATABASE_URL "
            "et que le serveur est démarré (remu check-config).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Commande interrompue.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (DomainError, InputError, ParameterError) as error:
        problem = problem_of(error)  # the problem catalogue, as for the HTTP door
        assert problem is not None
        print(problem.detail, file=sys.stderr)
        if len(problem.errors) > 1:  # one line per field when several are at fault
            for item in problem.errors:
                print(f"  {item.path} : {item.message}", file=sys.stderr)
        return problem.kind.exit_code
    return status
