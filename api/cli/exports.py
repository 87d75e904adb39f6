"""``remu letters run …`` and ``remu export …``: letters in bulk and finance files, for operators.

- ``remu letters run --payment-run RUN_ID -o DIR``: the payment notice of every transfer of the
  run, and the overpayment notice of every overpayment it recorded or turned into a recovery order;
- ``remu letters run --decisions-since AAAA-MM-JJ -o DIR``: the decision letters of the
  dossiers decided since that day (their latest decision);
- ``remu export payment-run RUN_ID``, ``remu export period --period AAAA-MM``,
  ``remu export summary --period AAAA-MM``, ``remu export recovery-orders``: the finance files
  (``--format csv|xlsx``, ``-o FILE``), refused when the figures do not reconcile.

Progress and the reconciliation go to standard error; the files written and their SHA-256 to
standard output. Each command is one transaction (its audit events included).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from api.cli.accounts import cli_request_id
from api.cli.arguments import DAY, FILE, MONTH, NAME, RUN, day, identifier
from api.cli.display import count
from api.settings import load_settings, parameter_store, system_clock
from exports.errors import ExportNotReconciled
from exports.finance.files import (
    ExportFile,
    ExportFormat,
    payment_run_export,
    period_export,
    period_summary_export,
    record_download,
    recovery_orders_export,
    write_export,
)
from exports.letters.bulk import decision_jobs, payment_run_jobs, produce_letters
from exports.wording import amount_in_figures
from payments import OverpaymentStatus
from remuneration.db.migrate import upgrade
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.domain.errors import InvalidFacts, NotAllowed
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.protection import FieldProtector, decode_master_key
from remuneration.services.system_actor import SYSTEM_ACTOR
from remuneration.services.users import find_user
from rules.french import fr_decimal
from rules.periods import Month

__all__ = ["register"]

EXIT_OK = 0
_LETTER_ROLES = frozenset({Role.INSTRUCTOR, Role.SUPERVISOR, Role.RELATION_USAGERS})
_EXPORT_ROLES = frozenset({Role.FINANCE})


@contextmanager
def _unit(user: str | None, roles: frozenset[Role]) -> Iterator[ServiceContext]:
    """One committed unit of work, as the named user (who must hold one of ``roles``) or as
    the system (an operator command run without ``--user``)."""

    settings = load_settings()
    upgrade(settings.database_url)
    protector = FieldProtector(decode_master_key(settings.data_key.get_secret_value()))
    now = system_clock()
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        actor = SYSTEM_ACTOR
        if user is not None:
            found = find_user(session, user)
            if Role(found.role) not in roles or not found.active:
                raise NotAllowed(
                    f"L'utilisateur {user} n'a pas un rôle permis pour cette commande."
                )
            actor = Actor(user_id=found.id, name=found.name, role=Role(found.role))
        yield ServiceContext(
            session=session,
            actor=actor,
            now=now,
            protector=protector,
            request_id=cli_request_id("export"),
            parameters=parameter_store(),
        )


def _progress(done: int, total: int) -> None:
    print(
        f"Lettres : {fr_decimal(Decimal(done))}/{fr_decimal(Decimal(total))}",
        file=sys.stderr,
        flush=True,
    )


def _letters_run(args: argparse.Namespace) -> int:
    directory = Path(args.output)
    with _unit(args.user, _LETTER_ROLES) as ctx:
        if args.payment_run:
            run_id = args.payment_run
            jobs = payment_run_jobs(ctx, run_id)
            source = {"payment_run": str(run_id)}
        else:
            since = args.decisions_since
            jobs = decision_jobs(ctx, since)
            source = {"decisions_since": since.isoformat()}
        print(
            f"{count(len(jobs), 'lettre')} à écrire dans {directory}", file=sys.stderr, flush=True
        )
        outcome = produce_letters(ctx, jobs, directory, source=source, progress=_progress)
    for skipped in outcome.skipped:
        print(f"Lettre non produite : {skipped.job.file_name} : {skipped.reason}", file=sys.stderr)
    for letter in outcome.letters:
        print(f"{letter.sha256}\t{directory / letter.job.file_name}")
    print(f"{outcome.manifest_sha256}\t{directory / 'manifest.json'}")
    print(
        f"{count(len(outcome.letters), 'lettre écrite', 'lettres écrites')}, "
        f"{count(len(outcome.skipped), 'non produite', 'non produites')}.",
        file=sys.stderr,
    )
    return EXIT_OK


def _write_atomically(export: ExportFile, fmt: ExportFormat, target: Path) -> str:
    partial = target.with_name(f".{target.name}.partial")
    try:
        write_export(export, fmt, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return hashlib.sha256(target.read_bytes()).hexdigest()


def _report(export: ExportFile) -> None:
    check = export.check
    if check is None:
        print(f"Export : {count(len(export.rows), 'ligne')}.", file=sys.stderr)
        return
    print(
        f"Rapprochement conforme : {count(len(export.rows), 'ligne')}, "
        f"{count(check.transfers_count, 'virement')} pour "
        f"{amount_in_figures(check.transfers_total)} = sommes de contrôle des lots "
        f"({count(check.batches_count, 'virement')}, {amount_in_figures(check.batches_total)}).",
        file=sys.stderr,
    )


def _export(args: argparse.Namespace) -> int:
    fmt = ExportFormat(args.format)
    with _unit(args.user, _EXPORT_ROLES) as ctx:
        try:
            export = _build(ctx, args)
        except ExportNotReconciled as error:
            for problem in error.problems:
                print(f"Écart : {problem.message}", file=sys.stderr)
            raise
        target = Path(args.output or export.file_name(fmt))
        digest = _write_atomically(export, fmt, target)
        record_download(ctx, export, fmt)
    _report(export)
    print(f"{digest}\t{target}")
    return EXIT_OK


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise InvalidFacts("Le mois s'écrit AAAA-MM.", field="month") from None


def _build(ctx: ServiceContext, args: argparse.Namespace) -> ExportFile:
    if args.what == "payment-run":
        return payment_run_export(ctx.session, args.run)
    if args.what == "period":
        return period_export(ctx.session, _month(args.period))
    if args.what == "summary":
        return period_summary_export(ctx.session, _month(args.period))
    return recovery_orders_export(ctx.session, status=args.status, today=ctx.today)


def _export_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--format", choices=[f.value for f in ExportFormat], default="csv", help="(csv)"
    )
    parser.add_argument(
        "-o", "--output", metavar=FILE, help="fichier à écrire (par défaut : nom standard)"
    )
    parser.add_argument("--user", metavar=NAME, help="utilisateur finance (sinon : le système)")
    parser.set_defaults(handler=_export, what=what)


def register(subparsers: Any) -> None:
    """Add ``letters`` and ``export`` to the ``remu`` command line."""
    letters = subparsers.add_parser("letters", help="lettres aux stagiaires en nombre")
    run = letters.add_subparsers(dest="action", required=True).add_parser(
        "run", help="écrire les lettres d'une paie ou des décisions récentes (PDF + manifeste)"
    )
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--payment-run", type=identifier, metavar=RUN, help="identifiant de la paie"
    )
    source.add_argument(
        "--decisions-since", type=day, metavar=DAY, help="décisions prises depuis ce jour"
    )
    run.add_argument(
        "-o", "--output", required=True, metavar="RÉPERTOIRE", help="répertoire des lettres"
    )
    run.add_argument(
        "--user", metavar=NAME, help="agent (instruction, encadrement, relation usagers)"
    )
    run.set_defaults(handler=_letters_run)

    export = subparsers.add_parser("export", help="fichiers pour les finances (CSV, XLSX)")
    kinds = export.add_subparsers(dest="export_kind", required=True)
    by_run = kinds.add_parser("payment-run", help="une paie, ligne par ligne")
    by_run.add_argument("run", type=identifier, metavar=RUN, help="identifiant de la paie")
    _export_options(by_run, "payment-run")
    period = kinds.add_parser("period", help="les paies d'un mois, ligne par ligne")
    period.add_argument("--period", required=True, metavar=MONTH, help="le mois")
    _export_options(period, "period")
    summary = kinds.add_parser("summary", help="synthèse du mois, rapprochée des lots")
    summary.add_argument("--period", required=True, metavar=MONTH, help="le mois")
    _export_options(summary, "summary")
    orders = kinds.add_parser("recovery-orders", help="ordres de reversement")
    orders.add_argument(
        "--status", choices=[s.value for s in OverpaymentStatus], help="statut des trop-perçus"
    )
    _export_options(orders, "recovery-orders")
