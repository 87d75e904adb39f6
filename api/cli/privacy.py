"""Personal data commands: ``gdpr export`` (everything stored about one trainee, RGPD art. 15,
audited) and ``retention purge`` (the retention rules of `operations.yaml`; a dry run unless
``--apply``). Exit status: 0 done, 2 bad input or configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from api.cli.accounts import cli_request_id, operator_name
from api.settings import Settings, load_settings, system_clock
from payments.queries import payments_summary_for_trainee
from remuneration.cases.services.export import anonymise_cases, cases_of_trainee
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.domain.timezone import paris_day
from remuneration.operations import load_operations_policy
from remuneration.services.audit import record_event
from remuneration.services.document_store import DocumentStore
from remuneration.services.gdpr import export_trainee
from remuneration.services.protection import FieldProtector, decode_master_key
from remuneration.services.retention import (
    apply_retention,
    delete_files_after_commit,
    orphan_files,
    plan_retention,
)
from remuneration.services.system_actor import system_context

__all__ = ["register"]

EXIT_OK, EXIT_USAGE = 0, 2


def _settings() -> Settings:
    return load_settings()


def _usage(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE


def _protector(settings: Settings) -> FieldProtector:
    return FieldProtector(decode_master_key(settings.data_key.get_secret_value()))


def _write_private(path: Path, content: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)


def _gdpr_export(args: argparse.Namespace) -> int:
    try:
        trainee_id = uuid.UUID(args.trainee)
    except ValueError:
        return _usage(f"Identifiant de stagiaire invalide : {args.trainee}")
    settings = _settings()
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        ctx = system_context(
            session,
            now=system_clock(),
            protector=_protector(settings),
            request_id=cli_request_id("gdpr"),
        )
        exported = export_trainee(
            ctx,
            trainee_id,
            reveal=args.reveal,
            sections={
                "payments": lambda session, trainee, _dossiers: payments_summary_for_trainee(
                    session, trainee
                ),
                "cases": cases_of_trainee,
            },
        )
    text = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        _write_private(Path(args.output), text)
        print(f"Export écrit dans {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _retention_purge(args: argparse.Namespace) -> int:
    settings = _settings()
    now = system_clock()
    today = paris_day(now)
    protector = _protector(settings)
    store = DocumentStore(settings.document_store_dir, protector)
    policy = load_operations_policy(on=today).retention
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        plan = plan_retention(session, today=today, policy=policy)
        orphans = orphan_files(session, store, now=now)
        report: dict[str, Any] = {
            "applied": bool(args.apply),
            **plan.to_dict(),
            "orphan_files": orphans,
        }
        if args.apply:
            ctx = system_context(
                session, now=now, protector=protector, request_id=cli_request_id("retention")
            )
            report["done"] = apply_retention(
                ctx, plan, delete_file=store.delete, participants=(anonymise_cases,)
            )
            record_event(
                ctx,
                action="retention.orphan_files_deleted",
                entity_type="document_store",
                entity_id="orphan_files",
                after={"files": len(orphans), "operator": operator_name()},
            )
            delete_files_after_commit(session, orphans, store.delete)
            report["done"]["orphan_files_deleted"] = len(orphans)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return EXIT_OK


def register(subparsers: Any) -> None:
    """Add the personal data commands to ``remu``."""
    gdpr = subparsers.add_parser("gdpr", help="données personnelles (RGPD)").add_subparsers(
        dest="action", required=True
    )
    export = gdpr.add_parser("export", help="tout ce qui est conservé sur un stagiaire (JSON)")
    export.add_argument("--trainee", required=True, metavar="ID", help="identifiant du stagiaire")
    export.add_argument("--reveal", action="store_true", help="NIR et IBAN en clair (audité)")
    export.add_argument(
        "--output", "-o", metavar="FICHIER", help="fichier de sortie (sinon : sortie standard)"
    )
    export.set_defaults(handler=_gdpr_export)
    retention = subparsers.add_parser("retention", help="conservation des données").add_subparsers(
        dest="action", required=True
    )
    purge = retention.add_parser("purge", help="purge de conservation (simulation par défaut)")
    purge.add_argument("--apply", action="store_true", help="appliquer (sinon : simulation)")
    purge.set_defaults(handler=_retention_purge)
