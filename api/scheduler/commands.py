"""The scheduler's commands: ``scheduler``, ``jobs list``, ``jobs run`` and ``check-config``
(the checks the scheduler makes before it starts).

Dates and times are shown in Europe/Paris, as French reads them (« 07/12/2026 06:00 »), statuses
in words; ``jobs list --json`` keeps the stored codes and ISO 8601 moments. Exit status: 0 done,
1 a job or a check failed (``jobs run``), 2 bad input or configuration (as every ``remu``
command).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import Any

from api.scheduler.config_check import check_migrations, run_checks
from api.scheduler.registry import build_registry
from api.scheduler.runner import JobRunner, Outcome, RunStatus
from api.scheduler.scheduling import run_scheduler
from api.scheduler.simulation import simulate
from api.scheduler.status import job_states
from api.settings import Settings, load_settings, system_clock
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.domain.timezone import PARIS, paris_day
from remuneration.logs import configure_logging
from remuneration.services.protection import FieldProtector, decode_master_key

__all__ = ["register"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_OUTCOME_FR = {
    Outcome.SUCCEEDED: "réussie",
    Outcome.FAILED: "échouée",
    Outcome.SKIPPED: "déjà exécutée (ou remplacée par un créneau plus récent)",
    Outcome.BUSY: "occupée : une autre exécution de cette tâche est en cours",
}
_STATUS_FR = {
    RunStatus.RUNNING.value: "en cours",
    RunStatus.SUCCEEDED.value: "réussie",
    RunStatus.FAILED.value: "échouée",
}


def _settings() -> Settings:

    return load_settings()


def _usage(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE


def _local(moment: datetime | None) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if moment else "—"


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def _protector(settings: Settings) -> FieldProtector:
    return FieldProtector(decode_master_key(settings.data_key.get_secret_value()))


def _scheduler(args: argparse.Namespace) -> int:
    settings = _settings()
    configure_logging(json_lines=settings.log_json)
    with engine_scope(settings.database_url) as engine:
        schema = check_migrations(engine, settings)
        if not schema.ok:
            return _usage(f"Planificateur non démarré : {schema.message}.")
        jobs = build_registry(settings)
        if args.only:
            wanted = set(args.only.split(","))
            unknown = wanted - {job.name for job in jobs}
            if unknown:
                return _usage(f"Tâche inconnue : {', '.join(sorted(unknown))}.")
            jobs = tuple(job for job in jobs if job.name in wanted)
        runner = JobRunner(make_session_factory(engine), jobs)
        if args.simulate_from or args.simulate_until:
            if not (args.simulate_from and args.simulate_until):
                return _usage("Indiquez --simulate-from et --simulate-until ensemble.")
            try:
                start, end = _moment(args.simulate_from), _moment(args.simulate_until)
            except ValueError:
                return _usage(
                    "Moment invalide pour --simulate-from ou --simulate-until "
                    "(AAAA-MM-JJTHH:MM attendu, heure de Paris par défaut)."
                )
            ran = simulate(runner, start, end)
            report = [[r.job, r.scheduled_for.isoformat(), r.outcome.value] for r in ran]
            print(json.dumps({"holder": runner.holder, "ran": report}))
            return EXIT_OK
        run_scheduler(runner, system_clock)
    return EXIT_OK


def _state_dict(state: Any) -> dict[str, Any]:
    return {
        "job": state.name,
        "description": state.description,
        "schedule": state.schedule,
        "next_run": state.next_run.isoformat() if state.next_run else None,
        "last_slot": state.last_slot.isoformat() if state.last_slot else None,
        "last_status": state.last_status,
        "last_finished": state.last_finished.isoformat() if state.last_finished else None,
        "last_success": state.last_success.isoformat() if state.last_success else None,
        "last_error": state.last_error,
        "last_note": state.last_note,
    }


def _jobs_list(args: argparse.Namespace) -> int:
    settings = _settings()
    jobs = build_registry(settings)
    with engine_scope(settings.database_url) as engine, make_session_factory(engine)() as session:
        states = job_states(session, jobs, now=system_clock())
    if args.json:
        print(json.dumps([_state_dict(s) for s in states], ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{'tâche':<22} {'prochaine':<17} {'dernière':<17} {'statut':<10} erreur ou note")
    for s in states:
        status = _STATUS_FR.get(s.last_status, s.last_status) if s.last_status else "—"
        print(
            f"{s.name:<22} {_local(s.next_run):<17} {_local(s.last_slot):<17} "
            f"{status:<10} {s.last_error or s.last_note or ''}".rstrip()
        )
    return EXIT_OK


def _jobs_run(args: argparse.Namespace) -> int:
    settings = _settings()
    jobs = build_registry(settings)
    if args.name not in {job.name for job in jobs}:
        names = ", ".join(job.name for job in jobs)
        return _usage(f"Tâche inconnue : {args.name} (tâches : {names}).")
    try:
        for_day = date.fromisoformat(args.for_day) if args.for_day else None
    except ValueError:
        return _usage(f"Date invalide : {args.for_day} (AAAA-MM-JJ attendu)")
    configure_logging(json_lines=settings.log_json)
    with engine_scope(settings.database_url) as engine:
        runner = JobRunner(make_session_factory(engine), jobs)
        result = runner.run_manual(args.name, now=system_clock(), for_day=for_day)
    print(f"{args.name} (créneau {_local(result.scheduled_for)}) : {_OUTCOME_FR[result.outcome]}")
    failed = result.outcome in (Outcome.FAILED, Outcome.BUSY)
    return EXIT_FAILED if failed else EXIT_OK


def _check_config(args: argparse.Namespace) -> int:
    settings = _settings()
    now = system_clock()
    with engine_scope(settings.database_url) as engine:
        checks = run_checks(settings, engine, today=paris_day(now))
    for check in checks:
        print(f"{'ok' if check.ok else 'ÉCHEC':<5} {check.name} : {check.message}")
    if all(check.ok for check in checks):
        print("Configuration valide.")
        return EXIT_OK
    return EXIT_USAGE


def _add_jobs(subparsers: Any) -> None:
    scheduler = subparsers.add_parser("scheduler", help="lancer le planificateur des tâches")
    scheduler.add_argument(
        "--simulate-from", metavar="MOMENT", help="simulation : début (ISO 8601, Europe/Paris)"
    )
    scheduler.add_argument("--simulate-until", metavar="MOMENT", help="simulation : fin (ISO 8601)")
    scheduler.add_argument(
        "--only",
        metavar="TÂCHES",
        help="seulement ces tâches (noms séparés par des virgules), pour une simulation",
    )
    scheduler.set_defaults(handler=_scheduler)
    jobs = subparsers.add_parser("jobs", help="tâches planifiées").add_subparsers(
        dest="action", required=True
    )
    listing = jobs.add_parser("list", help="état des tâches (prochaine, dernière, erreur)")
    listing.add_argument(
        "--json", action="store_true", help="codes et dates ISO bruts, pour les scripts"
    )
    listing.set_defaults(handler=_jobs_list)
    run = jobs.add_parser("run", help="exécuter une tâche maintenant (ou pour une date)")
    run.add_argument("name", metavar="TÂCHE", help="nom de la tâche (remu jobs list)")
    run.add_argument("--for", dest="for_day", metavar="AAAA-MM-JJ", help="jour du créneau")
    run.set_defaults(handler=_jobs_run)


def register(subparsers: Any) -> None:
    """Add the scheduler's commands to ``remu``."""
    _add_jobs(subparsers)
    subparsers.add_parser("check-config", help="vérifier la configuration").set_defaults(
        handler=_check_config
    )
