"""Console passwords from the command line: `remu users set-password`, and the demo's sign-ins.

The password is typed twice without echo (or read from standard input with
`--password-stdin`, for scripts); it is never an argument, so it stays out of the shell's
history and of the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from api.settings import ConfigurationError, load_settings, system_clock
from remuneration.db.migrate import upgrade
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.demo.loader import demo_sign_ins
from remuneration.services.context import Role
from remuneration.services.passwords import set_password
from remuneration.services.users import find_user

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "console_url", "print_sign_ins", "register"]

EXIT_OK = 0


def _read_new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Nouveau mot de passe : ")
    if getpass.getpass("Confirmez le mot de passe : ") != first:
        raise ConfigurationError("Les deux saisies du mot de passe diffèrent.")
    return first


def _set_password(args: argparse.Namespace) -> int:
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


def register(users: Any) -> None:
    """Add `set-password` to the `users` commands."""
    command = users.add_parser(
        "set-password", help="définir le mot de passe de la console (saisi deux fois, masqué)"
    )
    command.add_argument("--user", required=True, metavar="NOM")
    command.add_argument(
        "--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard"
    )
    command.set_defaults(handler=_set_password)


DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
_ANY_ADDRESS = {"0.0.0.0", "::", ""}  # noqa: S104 (read, not bound: "every address")


def console_url(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """The address an agent types to reach the console served on ``host:port`` (a server
    listening on every address is reached locally)."""
    shown = "127.0.0.1" if host in _ANY_ADDRESS else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def print_sign_ins(*, file: TextIO, url: str) -> None:
    """One console sign-in per role of the demo (name and public demo password), on `file`."""
    print(f"Console des agents : ouvrez {url} et connectez-vous avec", file=file)
    for role, name, password in demo_sign_ins():
        print(f"  {role:<17} identifiant {name:<22} mot de passe {password}", file=file)
