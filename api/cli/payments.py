"""``remu payments run|list|approve|release|correct|file`` and ``remu bank import``: the
payment commands of operators.

Progress goes to standard error, results to standard output, both in French as finance reads
them (« 632 375,60 € », statuses in words, the identifier first on each result line);
``payments run --json`` and ``payments list --json`` give scripts the stored codes, ISO dates and
decimal amounts. The work of each command is one transaction: interrupted, it leaves nothing (a
run started again does the whole run once).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from api.cli.accounts import cli_request_id
from api.cli.arguments import BATCH, DAY, FILE, NAME, day, identifier, integer, readable_file
from api.cli.display import (
    count,
    day_in_words,
    label,
    period_in_words,
    period_short,
    typed_amount,
    typed_count,
)
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
from remuneration.domain.errors import InvalidFacts
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
    print(
        f"Paie : {fr_decimal(Decimal(done))}/{count(total, 'dossier traité', 'dossiers traités')}",
        file=sys.stderr,
        flush=True,
    )


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
                f"Rien à payer : aucune avance due le {day_in_words(request.period)} ; aucune paie "
                "n'est enregistrée.",
                file=sys.stderr,
            )
            print(json.dumps({"created": False, "run": None}) if args.json else "rien à payer")
            return EXIT_OK
        word = "créée" if outcome.created else "déjà faite (rien de nouveau)"
        kind = label(RUN_KIND_LABELS, run.kind).lower()
        print(
            f"Paie {period_in_words(run.period)} ({kind}) {word} : "
            f"{count(run.payments_count, 'virement')} pour {amount_in_figures(run.total_amount)}.",
            file=sys.stderr,
        )
        if args.json:
            print(json.dumps({"created": outcome.created, "run": _run_json(run)}, indent=2))
            return EXIT_OK
        print(
            f"{run.id}\t{count(run.payments_count, 'virement')}\t"
            f"{amount_in_figures(run.total_amount)}\t{count(run.overpayments_count, 'trop-perçu')}"
            f"\t{count(run.reissues_count, 'réémission')}"
        )
    return EXIT_OK


def _run_json(run: PaymentRun) -> dict[str, Any]:
    """A run for scripts: the stored codes, the ISO date, amounts as decimal strings."""
    return {
        "id": str(run.id),
        "kind": run.kind,
        "period": run.period,
        "execution_date": run.execution_date.isoformat(),
        "status": run.status,
        "payments_count": run.payments_count,
        "total_amount": f"{run.total_amount:.2f}",
        "overpayments_count": run.overpayments_count,
        "reissues_count": run.reissues_count,
    }


def _file(args: argparse.Namespace) -> int:
    with _unit(args) as (ctx, _settings_used):
        batch = downloadable_batch(ctx, args.batch, to="command line")
        written = 0
        with Path(args.output).open("wb") as output:
            for chunk in file_chunks(ctx.session, batch.id, ctx.protector):
                output.write(chunk)
                written += len(chunk)
                print(
                    f"Fichier : {fr_decimal(Decimal(written))}/{count(batch.file_size, 'octet')}",
                    file=sys.stderr,
                    flush=True,
                )
        print(f"{batch.file_sha256}\t{args.output}")
    return EXIT_OK


def _totals_fr(batch: PaymentBatch) -> str:
    """The person's reading of a batch's totals: ``34 virements pour 120 818,55 €``."""
    return (
        f"{count(batch.number_of_transactions, 'virement')} "
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
            f"{run.id}\t{label(RUN_KIND_LABELS, run.kind)}\t{period_short(run.period)}\t"
            f"{run.execution_date:%d/%m/%Y}\t{label(RUN_STATUS_LABELS, run.status)}\t"
            f"{fr_decimal(Decimal(run.payments_count))}\t{amount_in_figures(run.total_amount)}\t"
            f"{_who(names, run.started_by)}"
        )
    print("LOTS")
    print("id\tMsgId\tstatut\texécution\tvirements\ttotal\tpréparé par\tapprouvé par\tlibéré par")
    for batch in batches:
        print(
            f"{batch.id}\t{batch.message_id}\t{label(BATCH_STATUS_LABELS, batch.status)}\t"
            f"{batch.execution_date:%d/%m/%Y}\t{fr_decimal(Decimal(batch.number_of_transactions))}"
            f"\t{amount_in_figures(batch.control_sum)}\t{_who(names, batch.prepared_by)}\t"
            f"{_who(names, batch.approved_by)}\t{_who(names, batch.released_by)}"
        )
    return EXIT_OK


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
    """The totals the person saw, typed as they read them (« 1 234 », « 632 375,60 € »)."""
    try:
        seen = typed_count(args.transactions)
    except ValueError:
        raise InvalidFacts(
            f"Nombre de virements illisible : « {args.transactions} » (par exemple "
            "--transactions 12).",
            field="transactions",
        ) from None
    try:
        return seen, typed_amount(args.control_sum)
    except ValueError:
        raise InvalidFacts(
            f"Montant illisible : « {args.control_sum} » (par exemple --control-sum 2400,00 "
            "ou 2400.00).",
            field="control_sum",
        ) from None


def _approve(args: argparse.Namespace) -> int:
    seen, total = _totals(args)
    with _unit(args) as (ctx, _settings_used):
        batch = approve_batch(ctx, args.batch, number_of_transactions=seen, control_sum=total)
        print(
            f"Lot {batch.message_id} approuvé ({_totals_fr(batch)}) : "
            "une autre personne doit le libérer.",
            file=sys.stderr,
        )
        print(f"{batch.id}\t{label(BATCH_STATUS_LABELS, batch.status)}\tapprouvé")
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    seen, total = _totals(args)
    with _unit(args) as (ctx, _settings_used):
        batch = release_batch(ctx, args.batch, number_of_transactions=seen, control_sum=total)
        print(f"Lot {batch.message_id} libéré ({_totals_fr(batch)}).", file=sys.stderr)
        print(
            f"{batch.id}\t{label(BATCH_STATUS_LABELS, batch.status)}\t"
            f"{count(batch.number_of_transactions, 'virement')}\t"
            f"{amount_in_figures(batch.control_sum)}"
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
            f"{corrected.id}\t{corrected.message_id}\t"
            f"{count(corrected.number_of_transactions, 'virement')}\t"
            f"{amount_in_figures(corrected.control_sum)}"
        )
    return EXIT_OK


def _bank_import(args: argparse.Namespace) -> int:
    content = args.file.read_bytes()
    print(f"Import de {args.file} ({count(len(content), 'octet')})…", file=sys.stderr, flush=True)
    with _unit(args) as (ctx, _settings_used):
        outcome = import_bank_file(ctx, content, file_name=args.file.name)
        bank_file = outcome.bank_file
        if not outcome.created:
            print("Fichier déjà importé : rien n'a changé.", file=sys.stderr)
        print(
            f"{bank_file.id}\t{bank_file.message_name}\t{count(bank_file.returns_count, 'retour')}"
            f"\t{count(bank_file.matched_count, 'rapproché')}"
        )
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``payments`` and ``bank`` to the ``remu`` command line."""
    payments = subparsers.add_parser("payments", help="paies et fichiers de virements")
    actions = payments.add_subparsers(dest="action", required=True)
    run = actions.add_parser("run", help="lancer une paie (avances ou mois échu)")
    run.add_argument(
        "--kind",
        required=True,
        choices=[kind.value for kind in RunKind],
        help=" ; ".join(f"{code} : {words.lower()}" for code, words in RUN_KIND_LABELS.items()),
    )
    run.add_argument(
        "--period", required=True, metavar="PÉRIODE", help="AAAA-MM (mensuelle) ou AAAA-MM-JJ"
    )
    run.add_argument(
        "--execution-date", required=True, type=day, metavar=DAY, help="jour ouvré TARGET2"
    )
    run.add_argument("--user", metavar=NAME, help="utilisateur finance qui prépare le lot")
    run.add_argument("--chunk-size", type=integer, default=500, help=argparse.SUPPRESS)
    run.add_argument(
        "--json", action="store_true", help="codes, date ISO et montants bruts, pour les scripts"
    )
    run.set_defaults(handler=_run)
    listing = actions.add_parser("list", help="paies et lots : statut, totaux, qui a fait quoi")
    listing.add_argument(
        "--status", choices=[status.value for status in BatchStatus], help="statut des lots"
    )
    listing.add_argument(
        "--limit", type=integer, default=20, metavar="N", help="nombre de lignes (20)"
    )
    listing.add_argument("--user", metavar=NAME, help="utilisateur finance")
    listing.add_argument(
        "--json", action="store_true", help="codes et montants bruts, pour les scripts"
    )
    listing.set_defaults(handler=_list)
    for name, handler, text in (
        ("approve", _approve, "approuver un lot préparé par le compte système"),
        ("release", _release, "libérer un lot (une autre personne que celle qui l'a préparé)"),
    ):
        command = actions.add_parser(name, help=text)
        command.add_argument("batch", type=identifier, metavar=BATCH, help="identifiant du lot")
        command.add_argument("--user", required=True, metavar=NAME, help="vous (finance)")
        command.add_argument(
            "--transactions", required=True, metavar="N", help="nombre de virements vus"
        )
        command.add_argument(
            "--control-sum", required=True, metavar="MONTANT", help="montant total vu (12.34)"
        )
        command.set_defaults(handler=handler)
    correct = actions.add_parser("correct", help="lot corrigé d'un lot rejeté par la banque")
    correct.add_argument("batch", type=identifier, metavar=BATCH, help="identifiant du lot rejeté")
    correct.add_argument(
        "--execution-date", required=True, type=day, metavar=DAY, help="jour ouvré TARGET2"
    )
    correct.add_argument("--user", required=True, metavar=NAME, help="vous (finance)")
    correct.set_defaults(handler=_correct)
    file = actions.add_parser("file", help="écrire le fichier pain.001 d'un lot libéré")
    file.add_argument("batch", type=identifier, metavar=BATCH, help="identifiant du lot")
    file.add_argument("-o", "--output", required=True, metavar=FILE, help="à écrire")
    file.add_argument("--user", metavar=NAME, help="utilisateur finance")
    file.set_defaults(handler=_file)
    bank = subparsers.add_parser("bank", help="fichiers de la banque")
    bank_actions = bank.add_subparsers(dest="action", required=True)
    imported = bank_actions.add_parser("import", help="importer un pain.002 ou un camt.054")
    imported.add_argument(
        "file", type=readable_file, metavar=FILE, help="le fichier reçu de la banque"
    )
    imported.add_argument("--user", metavar=NAME, help="utilisateur finance")
    imported.set_defaults(handler=_bank_import)
