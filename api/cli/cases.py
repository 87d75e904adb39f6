"""``remu cases …``: the case queue's operator commands.

- ``remu cases run``: consume the "case needed" outbox, run the detectors, sweep the service
  levels (what the scheduler does), now.
- ``remu cases team NAME``: create a team; ``remu cases agent USER --team NAME [--cap N]``:
  put an agent in a team's roster; ``remu cases absence USER FROM TO``: record an absence.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from api.cli.arguments import DAY, NAME, day, integer
from api.cli.display import count
from api.settings import load_settings, system_clock
from remuneration.cases.services import (
    add_absence,
    create_team,
    find_team,
    run_case_jobs,
    set_agent,
)
from remuneration.db.models import User
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.domain.errors import DomainError
from remuneration.services.context import Actor, Role
from remuneration.services.users import find_user

__all__ = ["register"]


def _now() -> datetime:
    return system_clock()


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, name=user.name, role=Role(user.role))


def _database_url() -> str:

    return load_settings().database_url


def _run(args: argparse.Namespace) -> int:
    with (
        engine_scope(_database_url()) as engine,
        make_session_factory(engine).begin() as session,
    ):
        report = run_case_jobs(session, now=_now())
    requests, opened = report.requests, ("dossier ouvert", "dossiers ouverts")
    print(
        f"Demandes consommées : {count(requests.opened, *opened)}, "
        f"{count(requests.added, 'occurrence ajoutée', 'occurrences ajoutées')}, "
        f"{count(requests.refused, 'refusée')}. "
        f"Dossiers incomplets : {count(report.incomplete_dossiers.opened, *opened)}. "
        f"États de présence manquants : {count(report.missing_attendance.opened, *opened)}. "
        f"Délais : {count(report.sweep.cases, 'dossier suivi', 'dossiers suivis')}, "
        f"{count(report.sweep.alerts, 'alerte')}."
    )
    return 0


def _with_session(args: argparse.Namespace, work: Any) -> int:
    try:
        with (
            engine_scope(_database_url()) as engine,
            make_session_factory(engine).begin() as session,
        ):
            message = work(session)
    except DomainError as error:
        print(error.message, file=sys.stderr)
        return 2
    print(message)
    return 0


def _team(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        supervisor = find_user(session, args.supervisor).id if args.supervisor else None
        create_team(
            session,
            name=args.name,
            label=args.label or args.name,
            now=_now(),
            supervisor_id=supervisor,
        )
        return f"Équipe « {args.name} » créée."

    return _with_session(args, work)


def _agent(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        team = find_team(session, args.team) if args.team else None
        if args.team and team is None:
            raise DomainError(f"Équipe inconnue : « {args.team} ».")
        user = find_user(session, args.user)
        set_agent(
            session,
            user_id=user.id,
            team_id=None if team is None else team.id,
            cap=args.cap,
            now=_now(),
        )
        return f"Agent « {args.user} » enregistré."

    return _with_session(args, work)


def _absence(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        user = find_user(session, args.user)
        add_absence(
            session,
            user_id=user.id,
            first_day=args.first_day,
            last_day=args.last_day,
            now=_now(),
        )
        return f"Absence de « {args.user} » enregistrée."

    return _with_session(args, work)


def register(subparsers: Any) -> None:
    """Add ``remu cases …`` to the command line."""
    cases = subparsers.add_parser("cases", help="file de la relation usagers").add_subparsers(
        dest="action", required=True
    )
    cases.add_parser(
        "run", help="demandes en attente, détections, suivi des délais (maintenant)"
    ).set_defaults(handler=_run)
    team = cases.add_parser("team", help="créer une équipe")
    team.add_argument("name", metavar="ÉQUIPE", help="nom court de l'équipe")
    team.add_argument("--label", metavar="LIBELLÉ", help="nom affiché (sinon : ÉQUIPE)")
    team.add_argument("--supervisor", metavar=NAME, help="nom d'utilisateur du superviseur")
    team.set_defaults(handler=_team)
    agent = cases.add_parser("agent", help="placer un agent dans une équipe")
    agent.add_argument("user", metavar=NAME, help="nom d'utilisateur de l'agent")
    agent.add_argument("--team", metavar="ÉQUIPE", help="nom court de l'équipe")
    agent.add_argument(
        "--cap", type=integer, metavar="N", help="plafond personnel de dossiers en cours"
    )
    agent.set_defaults(handler=_agent)
    absence = cases.add_parser("absence", help="enregistrer une absence (AAAA-MM-JJ)")
    absence.add_argument("user", metavar=NAME, help="nom d'utilisateur de l'agent")
    absence.add_argument("first_day", type=day, metavar=DAY, help="premier jour d'absence")
    absence.add_argument("last_day", type=day, metavar=DAY, help="dernier jour d'absence")
    absence.set_defaults(handler=_absence)
