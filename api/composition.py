"""The composition root: the only module that knows the three doors and wires them together.

- `create_app(settings)`: the HTTP door with the scheduler's job table bound into `/metrics`;
- `build_parser()` / `main()`: the `remu` console script, made of the command line's commands,
  the scheduler's (``scheduler``, ``jobs …``) and ``serve`` (the HTTP door, with the demo).

The doors (`api.http`, `api.cli`, `api.scheduler`) never import one another nor this module;
they share `api.settings` (configuration, clock, parameter set, bearer tokens).
"""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session

from api.cli import main as cli
from api.cli.arguments import integer
from api.cli.french_parser import FrenchArgumentParser
from api.cli.localsecrets import ensure_local_secrets
from api.cli.passwords import DEFAULT_HOST, DEFAULT_PORT, console_url
from api.http.app import create_app as create_http_app
from api.http.metrics import JobStateView
from api.scheduler import commands as scheduler_commands
from api.scheduler.registry import build_registry
from api.scheduler.status import job_states
from api.settings import Settings, env_file, find_home, load_settings, system_clock
from remuneration.db.migrate import upgrade
from remuneration.logs import configure_logging

__all__ = ["build_parser", "create_app", "main"]


def create_app(settings: Settings, *, clock: Callable[[], datetime] = system_clock) -> FastAPI:
    """The HTTP application, its `/metrics` showing the scheduled jobs of this installation."""
    jobs = build_registry(settings)

    def states(session: Session, now: datetime) -> Sequence[JobStateView]:
        return job_states(session, jobs, now=now)

    return create_http_app(settings, clock=clock, job_states=states)


def _port_is_free(host: str, port: int) -> bool:
    """Whether ``host:port`` can be listened on now (checked before anything is created or a
    token printed, so a taken port costs nothing)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _serve(args: argparse.Namespace) -> int:
    if not _port_is_free(args.host, args.port):
        print(
            f"remu serve : le port {args.port} est déjà utilisé sur {args.host}. Choisissez-en "
            f"un autre : remu serve --port {args.port + 1} (ou make run PORT={args.port + 1}).",
            file=sys.stderr,
        )
        return cli.EXIT_USAGE
    print(f"remu serve : API sur http://{args.host}:{args.port}", file=sys.stderr)
    if args.demo:
        ensure_local_secrets(env_file(find_home()))
    settings = load_settings()
    configure_logging(json_lines=settings.log_json)
    upgrade(settings.database_url)
    if args.demo:
        cli.load_demo_if_needed(settings, console_url=console_url(args.host, args.port))
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False
    )
    return cli.EXIT_OK


def _register_serve(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="servir l'API (crée et migre la base au besoin)")
    serve.add_argument("--host", default=DEFAULT_HOST, metavar="ADRESSE", help=DEFAULT_HOST)
    serve.add_argument(
        "--port", type=integer, default=DEFAULT_PORT, metavar="PORT", help=str(DEFAULT_PORT)
    )
    serve.add_argument("--demo", action="store_true", help="charger les données de démonstration")
    serve.set_defaults(handler=_serve)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, in French (usage, help and usage errors included)."""
    parser = FrenchArgumentParser(prog="remu", description="Rémunération des stagiaires")
    subparsers = parser.add_subparsers(dest="command", required=True)
    _register_serve(subparsers)
    cli.register(subparsers)
    scheduler_commands.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `remu` console script."""
    return cli.run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
