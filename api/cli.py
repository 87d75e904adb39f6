"""The `remu` console script: serve, migrate, demo data, users and tokens (+ the rules doors).

Commands print their result on standard output (a token alone, for scripts) and their errors in
French on standard error, with exit status 2 for bad input or configuration.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from api import cli_cases, cli_exports, cli_jobs, cli_payments, cli_rules
from api.app import create_app, system_clock
from api.localsecrets import ensure_local_secrets
from api.logging import configure_logging
from api.security import issue_token
from api.settings import ENV_FILE, Settings
from remuneration.db.migrate import upgrade
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.domain.errors import DomainError
from remuneration.services.context import Role
from remuneration.services.passwords import set_password
from remuneration.services.users import create_api_key, create_user, find_user

__all__ = ["main"]

EXIT_OK, EXIT_USAGE = 0, 2


class ConfigurationError(Exception):
    """The settings are missing or refused."""


def load_settings() -> Settings:
    """The settings, or ConfigurationError with every problem in French."""
    try:
        return Settings()  # values come from the environment
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc'])} : {item['msg']}" for item in error.errors()
        )
        raise ConfigurationError(
            "Configuration refusée (définissez REMU_JWT_SECRET et REMU_DATA_KEY, ou lancez "
            f"« remu demo » pour une démonstration locale) : {problems}"
        ) from error


def _migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    print("Base de données à jour.")
    return EXIT_OK


def _users_create(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        user = create_user(
            session,
            name=args.name,
            role=Role(args.role),
            now=system_clock(),
            display_name=args.display_name,
            organisation_id=uuid.UUID(args.organisation) if args.organisation else None,
        )
        print(user.id)
    return EXIT_OK


def _tokens_create(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    now = system_clock()
    organisation = uuid.UUID(args.organisation) if args.organisation else None
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        try:
            user = find_user(session, args.user)
        except DomainError:
            user = create_user(
                session, name=args.user, role=Role(args.role), now=now, organisation_id=organisation
            )
        if user.role != args.role or (organisation and user.organisation_id != organisation):
            raise ConfigurationError(f"L'utilisateur {args.user} n'a pas ce rôle ou cet organisme.")
        ttl = timedelta(minutes=args.ttl_minutes) if args.ttl_minutes else None
        print(issue_token(settings, user=user, now=now, ttl=ttl))
    return EXIT_OK


def _read_new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Nouveau mot de passe : ")
    if getpass.getpass("Confirmez le mot de passe : ") != first:
        raise ConfigurationError("Les deux saisies du mot de passe diffèrent.")
    return first


def _users_set_password(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    password = _read_new_password(args)
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        user = find_user(session, args.user)
        if user.role == Role.ORGANISATION.value:
            raise ConfigurationError(
                "Les organismes de formation n'ont pas accès à la console : utilisez une clé "
                "d'API (remu api-keys create)."
            )
        set_password(session, user=user, password=password, now=system_clock())
        print(f"Mot de passe de la console défini pour {user.name}.")
    return EXIT_OK


def _api_keys_create(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        user = find_user(session, args.user)
        print(create_api_key(session, user=user, label=args.label, now=system_clock()).key)
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from api.demo import load_demo, print_sign_ins, print_tokens

    ensure_local_secrets(ENV_FILE)
    settings = load_settings()
    upgrade(settings.database_url)
    summary = load_demo(settings, trainees=args.trainees, seed=args.seed, now=system_clock())
    print(summary, file=sys.stderr)
    print_tokens(settings, now=system_clock())
    print_sign_ins(settings, file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.demo:
        from api.demo import demo_loaded, load_demo, print_sign_ins, print_tokens

        ensure_local_secrets(ENV_FILE)
    settings = load_settings()
    configure_logging(json_lines=settings.log_json)
    upgrade(settings.database_url)
    if args.demo:
        if not demo_loaded(settings):
            print(load_demo(settings, trainees=300, seed=2024, now=system_clock()), file=sys.stderr)
        print_tokens(settings, now=system_clock())
        print_sign_ins(settings, file=sys.stderr)
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False
    )
    return EXIT_OK


def _add_user_commands(subparsers: Any) -> None:
    roles = [role.value for role in Role]
    users = subparsers.add_parser("users", help="utilisateurs").add_subparsers(
        dest="action", required=True
    )
    create = users.add_parser("create", help="créer un utilisateur (affiche son identifiant)")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=roles)
    create.add_argument("--organisation", help="identifiant de l'organisme (rôle organisation)")
    create.add_argument("--display-name")
    create.set_defaults(handler=_users_create)
    password = users.add_parser(
        "set-password", help="définir le mot de passe de la console (saisi deux fois, masqué)"
    )
    password.add_argument("--user", required=True)
    password.add_argument(
        "--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard"
    )
    password.set_defaults(handler=_users_set_password)
    tokens = subparsers.add_parser("tokens", help="jetons d'accès").add_subparsers(
        dest="action", required=True
    )
    token = tokens.add_parser("create", help="créer un jeton signé (affiche seulement le jeton)")
    token.add_argument("--role", required=True, choices=roles)
    token.add_argument("--user", required=True)
    token.add_argument("--organisation")
    token.add_argument("--ttl-minutes", type=int)
    token.set_defaults(handler=_tokens_create)
    keys = subparsers.add_parser("api-keys", help="clés d'API des systèmes des organismes")
    key = keys.add_subparsers(dest="action", required=True).add_parser("create")
    key.add_argument("--user", required=True)
    key.add_argument("--label", default="clé d'API")
    key.set_defaults(handler=_api_keys_create)


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
    _add_user_commands(subparsers)
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
    except (ConfigurationError, DomainError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    return status


if __name__ == "__main__":
    sys.exit(main())
