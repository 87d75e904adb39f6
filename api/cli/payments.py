"""``remu payments run|list|approve|release|correct|file`` and ``remu bank import``: the
payment commands of operators.

Progress goes to standard error, results to standard output. The work of each command is one
transaction: interrupted, it leaves nothing (a run started again does the whole run once).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from api.cli.accounts import cli_request_id
from api.cli.arguments import day, identifier, readable_file
from api.settings import (
    Settings,
    load_settings,
    new_batch_terms,
    parameter_store,
    payer_account,
    run_worker_from,
    system_clock,
)
from exports.wording import amount_in_figures
from payments import (
    BatchStatus,
    RunKind,
    RunRequest,
    approve_batch,
    downloadable_batch,
    file_chunks,
    import_bank_file,
    list_batches,
    list_runs,
    prepare_corrected_batch,
    release_batch,
    start_run,
    user_names,
)
from payments.jobs import finance_actor
from payments.models import PaymentBatch, PaymentRun
from payments.vocabulary import BATCH_STATUS_LABELS, RUN_KIND_LABELS, RUN_STATUS_LABELS
from remuneration.db.migrate import upgrade
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.services.context import ServiceContext
from remuneration.services.protection import FieldProtector, decode_master_key
from rules.french import fr_decimal

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
            request_id=cli_request_id(args.command),
            parameters=parameter_store(),
        )
        yield ctx, settings


def _progress(done: int, total: int) -> None:
    print(f"Paie : {done}/{total} dossiers traités", file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> int:
    request = RunRequest(RunKind(args.kind), args.period, args.execution_date)
    with _unit(args) as (ctx, settings):
        outcome = start_run(
            ctx,
            request,
            payer=payer_account(settings),
            chunk_size=args.chunk_size,
            progress=_progress,
            worker_from=run_worker_from(settings),
        )
        run = outcome.run
        if run is None:
            print(
                f"Rien à payer : aucune avance due le {request.period} ; aucune paie "
                "n'est enregistrée.",
                file=sys.stderr,
            )
            print("rien à payer")
            return EXIT_OK
        word = "créée" if outcome.created else "déjà faite (rien de nouveau)"
        kind = RUN_KIND_LABELS.get(run.kind, run.kind).lower()
        print(
            f"Paie {run.period} ({kind}) {word} : {_count(run.payments_count, 'virement')} "
            f"pour {amount_in_figures(run.total_amount)}.",
            file=sys.stderr,
        )
        print(
            f"{run.id}\t{run.payments_count} virements\t{run.total_amount:.2f} €\t"
            f"{run.overpayments_count} trop-perçus\t{run.reissues_count} réémissions"
        )
    return EXIT_OK


def _file(args: argparse.Namespace) -> int:
    with _unit(args) as (ctx, _settings_used):
        batch = downloadable_batch(ctx, args.batch, to="command line")
        written = 0
        with Path(args.output).open("wb") as output:
            for chunk in file_chunks(ctx.session, batch.id, ctx.protector):
                output.write(chunk)
                written += len(chunk)
                print(f"Fichier : {written}/{batch.file_size} octets", file=sys.stderr, flush=True)
        print(f"{batch.file_sha256}\t{args.output}")
    return EXIT_OK


def _count(number: int, noun: str) -> str:
    return f"{fr_decimal(Decimal(number))} {noun}{'s' if number > 1 else ''}"


def _totals_fr(batch: PaymentBatch) -> str:
    """The person's reading of a batch's totals; stdout keeps the script's ``2400.00``."""
    return (
        f"{_count(batch.number_of_transactions, 'virement')} "
        f"pour {amount_in_figures(batch.control_sum)}"
    )


def _who(names: dict[uuid.UUID, str], user_id: uuid.UUID | None) -> str:
    return names.get(user_id, "?") if user_id is not None else "—"


def _list(args: argparse.Namespace) -> int:
    with _unit(args) as (ctx, _settings_used):
        runs = list_runs(ctx.session, page_size=args.limit).items
        batches: list[PaymentBatch] = list_batches(
            ctx.session, status=args.status, page_size=args.limit
        ).items
        names = user_names(
            ctx.session,
            [r.started_by for r in runs]
            + [u for b in batches for u in (b.prepared_by, b.approved_by, b.released_by)],
        )
    if args.json:
        print(json.dumps(_listing_json(runs, batches, names), ensure_ascii=False, indent=2))
        return EXIT_OK
    print("PAIES")
    print("id\ttype\tpériode\texécution\tstatut\tvirements\ttotal\tlancée par")
    for run in runs:
        print(
            f"{run.id}\t{_label(RUN_KIND_LABELS, run.kind)}\t{run.period}\t"
            f"{run.execution_date:%d/%m/%Y}\t{_label(RUN_STATUS_LABELS, run.status)}\t"
            f"{fr_decimal(Decimal(run.payments_count))}\t{amount_in_figures(run.total_amount)}\t"
            f"{_who(names, run.started_by)}"
        )
    print("LOTS")
    print("id\tMsgId\tstatut\texécution\tvirements\ttotal\tpréparé par\tapprouvé par\tlibéré par")
    for batch in batches:
        print(
            f"{batch.id}\t{batch.message_id}\t{_label(BATCH_STATUS_LABELS, batch.status)}\t"
            f"{batch.execution_date:%d/%m/%Y}\t{fr_decimal(Decimal(batch.number_of_transactions))}"
            f"\t{amount_in_figures(batch.control_sum)}\t{_who(names, batch.prepared_by)}\t"
            f"{_who(names, batch.approved_by)}\t{_who(names, batch.released_by)}"
        )
    return EXIT_OK


def _label(labels: dict[str, str], code: str) -> str:
    """A stored code in French; a code without words shows as itself, never as a blank."""
    return labels.get(code, code)


def _listing_json(
    runs: list[PaymentRun], batches: list[PaymentBatch], names: dict[uuid.UUID, str]
) -> dict[str, Any]:
    """``payments list --json``: the stored codes and amounts as decimal strings, for scripts."""
    return {
        "runs": [
            {
                "id": str(run.id),
                "kind": run.kind,
                "period": run.period,
                "execution_date": run.execution_date.isoformat(),
                "status": run.status,
                "payments_count": run.payments_count,
                "total_amount": f"{run.total_amount:.2f}",
                "started_by": _who(names, run.started_by),
            }
            for run in runs
        ],
        "batches": [
            {
                "id": str(batch.id),
                "message_id": batch.message_id,
                "status": batch.status,
                "execution_date": batch.execution_date.isoformat(),
                "number_of_transactions": batch.number_of_transactions,
                "control_sum": f"{batch.control_sum:.2f}",
                "prepared_by": _who(names, batch.prepared_by),
                "approved_by": _who(names, batch.approved_by),
                "released_by": _who(names, batch.released_by),
            }
            for batch in batches
        ],
    }


def _totals(args: argparse.Namespace) -> tuple[int, Decimal]:
    try:
        return int(args.transactions), Decimal(args.control_sum)
    except (ValueError, InvalidOperation):
        raise SystemExit(
            "Les totaux confirmés s'écrivent : --transactions 12 --control-sum 2400.00"
        ) from None


def _approve(args: argparse.Namespace) -> int:
    count, total = _totals(args)
    with _unit(args) as (ctx, _settings_used):
        batch = approve_batch(ctx, args.batch, number_of_transactions=count, control_sum=total)
        print(
            f"Lot {batch.message_id} approuvé ({_totals_fr(batch)}) : "
            "une autre personne doit le libérer.",
            file=sys.stderr,
        )
        print(f"{batch.id}\t{batch.status}\tapprouvé")
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    count, total = _totals(args)
    with _unit(args) as (ctx, _settings_used):
        batch = release_batch(ctx, args.batch, number_of_transactions=count, control_sum=total)
        print(f"Lot {batch.message_id} libéré ({_totals_fr(batch)}).", file=sys.stderr)
        print(
            f"{batch.id}\t{batch.status}\t{batch.number_of_transactions}\t{batch.control_sum:.2f} €"
        )
    return EXIT_OK


def _correct(args: argparse.Namespace) -> int:
    with _unit(args) as (ctx, settings):
        corrected = prepare_corrected_batch(
            ctx,
            args.batch,
            execution_date=args.execution_date,
            **new_batch_terms(settings, ctx),
        )
        print(
            f"Lot corrigé {corrected.message_id} préparé ({_totals_fr(corrected)}) : "
            "une autre personne doit le libérer.",
            file=sys.stderr,
        )
        print(
            f"{corrected.id}\t{corrected.message_id}\t{corrected.number_of_transactions}\t"
            f"{corrected.control_sum:.2f} €"
        )
    return EXIT_OK


def _bank_import(args: argparse.Namespace) -> int:
    content = args.file.read_bytes()
    print(f"Import de {args.file} ({len(content)} octets)…", file=sys.stderr, flush=True)
    with _unit(args) as (ctx, _settings_used):
        outcome = import_bank_file(ctx, content, file_name=args.file.name)
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
    run.add_argument(
        "--execution-date", required=True, type=day, help="AAAA-MM-JJ, jour ouvré TARGET2"
    )
    run.add_argument("--user", help="utilisateur finance qui prépare le lot")
    run.add_argument("--chunk-size", type=int, default=500, help=argparse.SUPPRESS)
    run.set_defaults(handler=_run)
    listing = actions.add_parser("list", help="paies et lots : statut, totaux, qui a fait quoi")
    listing.add_argument("--status", choices=[status.value for status in BatchStatus])
    listing.add_argument("--limit", type=int, default=20, help="nombre de lignes (20)")
    listing.add_argument("--user", help="utilisateur finance")
    listing.add_argument(
        "--json", action="store_true", help="codes et montants bruts, pour les scripts"
    )
    listing.set_defaults(handler=_list)
    for name, handler, text in (
        ("approve", _approve, "approuver un lot préparé par le compte système"),
        ("release", _release, "libérer un lot (une autre personne que celle qui l'a préparé)"),
    ):
        command = actions.add_parser(name, help=text)
        command.add_argument("batch", type=identifier, help="identifiant du lot")
        command.add_argument("--user", required=True, help="utilisateur finance (vous)")
        command.add_argument("--transactions", required=True, help="nombre de virements vus")
        command.add_argument("--control-sum", required=True, help="montant total vu (12.34)")
        command.set_defaults(handler=handler)
    correct = actions.add_parser("correct", help="lot corrigé d'un lot rejeté par la banque")
    correct.add_argument("batch", type=identifier, help="identifiant du lot rejeté")
    correct.add_argument(
        "--execution-date", required=True, type=day, help="AAAA-MM-JJ, jour ouvré TARGET2"
    )
    correct.add_argument("--user", required=True, help="utilisateur finance (vous)")
    correct.set_defaults(handler=_correct)
    file = actions.add_parser("file", help="écrire le fichier pain.001 d'un lot libéré")
    file.add_argument("batch", type=identifier, help="identifiant du lot")
    file.add_argument("-o", "--output", required=True, help="fichier à écrire")
    file.add_argument("--user", help="utilisateur finance")
    file.set_defaults(handler=_file)
    bank = subparsers.add_parser("bank", help="fichiers de la banque")
    bank_actions = bank.add_subparsers(dest="action", required=True)
    imported = bank_actions.add_parser("import", help="importer un pain.002 ou un camt.054")
    imported.add_argument("file", type=readable_file, help="le fichier reçu de la banque")
    imported.add_argument("--user", help="utilisateur finance")
    imported.set_defaults(handler=_bank_import)
