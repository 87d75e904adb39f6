"""The `remu` command line: migrate, demo data, users and tokens, and the agents' commands
(rules, payments, cases, exports). `api.composition` adds the other doors' commands (``serve``,
``jobs``…) and is the console script's entry point.

Commands print their result on standard output (a token alone, for scripts) and their errors in
French on standard error, with exit status 2 for bad input or configuration.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from api.cli import cases, exports, passwords, payments, privacy, rules
from api.cli.localsecrets import ensure_local_secrets
from api.rules_door import system_clock
from api.settings import ConfigurationError, Settings, env_file, find_home, load_settings
from api.tokens import issue_token
from remuneration.db.migrate import upgrade
from remuneration.db.models import User
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.demo.loader import demo_loaded, load_demo
from remuneration.domain.errors import DomainError
from remuneration.services.context import Role
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector, decode_master_key
from remuneration.services.users import create_api_key, create_user, find_user

__all__ = [
    "EXIT_OK",
    "EXIT_USAGE",
    "load_demo_data",
    "load_demo_if_needed",
    "print_tokens",
    "register",
    "run",
]

EXIT_OK, EXIT_USAGE = 0, 2


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


def load_demo_if_needed(settings: Settings) -> None:
    """``remu serve --demo``: the data set unless already loaded, then the tokens."""
    if not demo_loaded(settings.database_url):
        print(
            load_demo_data(settings, trainees=300, seed=2024, now=system_clock()), file=sys.stderr
        )
    print_tokens(settings, now=system_clock())
    passwords.print_sign_ins(file=sys.stderr)


def _demo(args: argparse.Namespace) -> int:
    ensure_local_secrets(env_file(find_home()))
    settings = load_settings()
    upgrade(settings.database_url)
    print(
        load_demo_data(settings, trainees=args.trainees, seed=args.seed, now=system_clock()),
        file=sys.stderr,
    )
    print_tokens(settings, now=system_clock())
    passwords.print_sign_ins(file=sys.stderr)
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
    passwords.register(users)


def register(subparsers: Any) -> None:
    """The command line's own commands."""
    subparsers.add_parser("migrate", help="appliquer les migrations").set_defaults(handler=_migrate)
    demo = subparsers.add_parser("demo", help="charger un jeu de données réaliste")
    demo.add_argument("--trainees", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2024)
    demo.set_defaults(handler=_demo)
    _add_user_commands(subparsers)
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
    except (ConfigurationError, DomainError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    return status
