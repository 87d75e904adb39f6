"""``remu payments run|file`` and ``remu bank import``: the payment commands of operators.

Progress goes to standard error, results to standard output. The work of each command is one
transaction: interrupted, it leaves nothing (a run started again does the whole run once).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from api.rules_door import parameter_store, system_clock
from api.settings import Settings, load_settings, payer_account
from payments import RunKind, RunRequest, file_chunks, get_batch, import_bank_file, start_run
from payments.jobs import finance_actor
from remuneration.db.migrate import upgrade
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext
from remuneration.services.protection import FieldProtector, decode_master_key

__all__ = ["register"]

EXIT_OK = 0


def _settings() -> Settings:

    return load_settings()


@contextmanager
def _unit(args: argparse.Namespace) -> Iterator[tuple[ServiceContext, Settings]]:
    settings = _settings()
    upgrade(settings.database_url)
    protector = FieldProtector(decode_master_key(settings.data_key.get_secret_value()))
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        ctx = ServiceContext(
            session=session,
            actor=finance_actor(session, args.user, now=system_clock()),
            now=system_clock(),
            protector=protector,
            parameters=parameter_store(),
        )
        yield ctx, settings


def _progress(done: int, total: int) -> None:
    print(f"Paie : {done}/{total} dossiers traités", file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> int:
    request = RunRequest(RunKind(args.kind), args.period, date.fromisoformat(args.execution_date))
    with _unit(args) as (ctx, settings):
        outcome = start_run(
            ctx,
            request,
            payer=payer_account(settings),
            chunk_size=args.chunk_size,
            progress=_progress,
        )
        run = outcome.run
        word = "créée" if outcome.created else "déjà faite (rien de nouveau)"
        print(f"Paie {run.kind} {run.period} {word}.", file=sys.stderr)
        print(
            f"{run.id}\t{run.payments_count} virements\t{run.total_amount} €\t"
            f"{run.debts_count} trop-perçus\t{run.reissues_count} réémissions"
        )
    return EXIT_OK


def _file(args: argparse.Namespace) -> int:
    with _unit(args) as (ctx, _settings_used):
        batch = get_batch(ctx, uuid.UUID(args.batch))
        record_event(
            ctx,
            action="payment_batch.downloaded",
            entity_type="payment_batch",
            entity_id=batch.id,
            after={"file_sha256": batch.file_sha256, "to": "command line"},
        )
        written = 0
        with Path(args.output).open("wb") as output:
            for chunk in file_chunks(ctx.session, batch.id):
                output.write(chunk)
                written += len(chunk)
                print(f"Fichier : {written}/{batch.file_size} octets", file=sys.stderr, flush=True)
        print(f"{batch.file_sha256}\t{args.output}")
    return EXIT_OK


def _bank_import(args: argparse.Namespace) -> int:
    content = Path(args.file).read_bytes()
    print(f"Import de {args.file} ({len(content)} octets)…", file=sys.stderr, flush=True)
    with _unit(args) as (ctx, _settings_used):
        outcome = import_bank_file(ctx, content, file_name=Path(args.file).name)
        bank_file = outcome.bank_file
        if not outcome.created:
            print("Fichier déjà importé : rien n'a changé.", file=sys.stderr)
        print(
            f"{bank_file.id}\t{bank_file.message_name}\t{bank_file.returns_count} retours\t"
            f"{bank_file.matched_count} rapprochés"
        )
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``payments`` and ``bank`` to the ``remu`` command line."""
    payments = subparsers.add_parser("payments", help="paies et fichiers de virements")
    actions = payments.add_subparsers(dest="action", required=True)
    run = actions.add_parser("run", help="lancer une paie (avances ou mois échu)")
    run.add_argument("--kind", required=True, choices=[kind.value for kind in RunKind])
    run.add_argument("--period", required=True, help="AAAA-MM (mensuelle) ou AAAA-MM-JJ")
    run.add_argument("--execution-date", required=True, help="AAAA-MM-JJ, jour ouvré TARGET2")
    run.add_argument("--user", help="utilisateur finance qui prépare le lot")
    run.add_argument("--chunk-size", type=int, default=500, help=argparse.SUPPRESS)
    run.set_defaults(handler=_run)
    file = actions.add_parser("file", help="écrire le fichier pain.001 d'un lot")
    file.add_argument("batch", help="identifiant du lot")
    file.add_argument("-o", "--output", required=True, help="fichier à écrire")
    file.add_argument("--user", help="utilisateur finance")
    file.set_defaults(handler=_file)
    bank = subparsers.add_parser("bank", help="fichiers de la banque")
    bank_actions = bank.add_subparsers(dest="action", required=True)
    imported = bank_actions.add_parser("import", help="importer un pain.002 ou un camt.054")
    imported.add_argument("file")
    imported.add_argument("--user", help="utilisateur finance")
    imported.set_defaults(handler=_bank_import)
