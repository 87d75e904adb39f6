"""The `remu` console script: serve, migrate, demo data, users and tokens (+ the rules doors).

Commands print their result on standard output (a token alone, for scripts) and their errors in
French on standard error, with exit status 2 for bad input or configuration.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from api import cli_accounts, cli_cases, cli_exports, cli_jobs, cli_keys, cli_payments, cli_rules
from api.app import create_app, system_clock
from api.localsecrets import ensure_local_secrets
from api.logging import configure_logging
from api.settings import ENV_FILE, Settings, describe_settings_error
from remuneration.db.migrate import upgrade
from remuneration.domain.errors import DomainError
from remuneration.problems import problem_of
from rules import InputError, ParameterError

__all__ = ["main"]

EXIT_OK, EXIT_USAGE = 0, 2


class ConfigurationError(Exception):
    """The settings are missing or refused."""


def load_settings() -> Settings:
    """The settings, or ConfigurationError with every problem in French."""
    try:
        return Settings()  # values come from the environment
    except ValidationError as error:
        raise ConfigurationError(describe_settings_error(error)) from error


def _migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    print("Base de données à jour.")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from api.demo import load_demo, print_tokens

    ensure_local_secrets(ENV_FILE)
    settings = load_settings()
    upgrade(settings.database_url)
    summary = load_demo(settings, trainees=args.trainees, seed=args.seed, now=system_clock())
    print(summary, file=sys.stderr)
    print_tokens(settings, now=system_clock())
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.demo:
        from api.demo import demo_loaded, load_demo, print_tokens

        ensure_local_secrets(ENV_FILE)
    settings = load_settings()
    configure_logging(json_lines=settings.log_json)
    upgrade(settings.database_url)
    if args.demo:
        if not demo_loaded(settings):
            print(load_demo(settings, trainees=300, seed=2024, now=system_clock()), file=sys.stderr)
        print_tokens(settings, now=system_clock())
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False
    )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(prog="remu", description="Rémunération des stagiaires")
    subparsers = parser.add_subparsers(dest="command", required=True)
    serve = subparsers.add_parser("serve", help="servir l'API (crée et migre la base au besoin)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="charger les données de démonstration")
    serve.set_defaults(handler=_serve)
    subparsers.add_parser("migrate", help="appliquer les migrations").set_defaults(handler=_migrate)
    demo = subparsers.add_parser("demo", help="charger un jeu de données réaliste")
    demo.add_argument("--trainees", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2024)
    demo.set_defaults(handler=_demo)
    cli_accounts.register(subparsers)
    cli_keys.register(subparsers)
    cli_rules.register(subparsers)
    cli_payments.register(subparsers)
    cli_jobs.register(subparsers)
    cli_cases.register(subparsers)
    cli_exports.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `remu` console script."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except ConfigurationError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except (DomainError, InputError, ParameterError) as error:
        problem = problem_of(error)  # the problem catalogue, as for the HTTP door
        assert problem is not None
        print(problem.detail, file=sys.stderr)
        for item in problem.errors:
            if item.message != problem.detail:
                print(f"  {item.path} : {item.message}", file=sys.stderr)
        return problem.kind.exit_code
    return status


if __name__ == "__main__":
    sys.exit(main())
