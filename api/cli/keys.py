"""``remu keys generate`` and ``remu keys rotate``: the data key's life.

A rotation re-encrypts, in one transaction, every sealed column (NIR, IBAN, decision inputs,
creditors' IBANs), every stored file (uploads, pain.001 chunks, bank files) and recomputes every
keyed hash, from the key in use (`REMU_DATA_KEY`) to its successor (`REMU_NEW_DATA_KEY`, read
from the environment, never from the command line where it would stay in the shell history).
Stop the API and the scheduler first; afterwards set `REMU_DATA_KEY` to the new key and start
them again. An interrupted rotation changes nothing: the old key still reads everything.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import sys
from typing import Any

from api.cli.accounts import operator_context, operator_name
from api.settings import load_settings
from payments.key_rotation import rotate_payment_data
from remuneration.db.migrate import upgrade
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.domain.errors import FieldProblem, InvalidFacts
from remuneration.services.audit import record_event
from remuneration.services.document_store import DocumentStore
from remuneration.services.key_rotation import KeyPair, rotate_dossier_data
from remuneration.services.protection import FieldProtector, decode_master_key

__all__ = ["NEW_KEY_VARIABLE", "register"]

NEW_KEY_VARIABLE = "REMU_NEW_DATA_KEY"
EXIT_OK = 0


def _generate(_args: argparse.Namespace) -> int:
    print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"))
    return EXIT_OK


def _new_key(current: bytes) -> bytes:
    text = os.environ.get(NEW_KEY_VARIABLE, "")
    try:
        key = decode_master_key(text)
    except ValueError as error:
        raise InvalidFacts(
            f"{NEW_KEY_VARIABLE} : {error} (créez-la avec « remu keys generate »).",
            problems=[FieldProblem(NEW_KEY_VARIABLE, "invalid_key", str(error))],
        ) from error
    if key == current:
        raise InvalidFacts(
            f"{NEW_KEY_VARIABLE} est la clé déjà en service.",
            problems=[FieldProblem(NEW_KEY_VARIABLE, "same_key", "Clé identique.")],
        )
    return key


def _rotate(_args: argparse.Namespace) -> int:
    settings = load_settings()
    current = decode_master_key(settings.data_key.get_secret_value())
    keys = KeyPair(FieldProtector(current), FieldProtector(_new_key(current)))
    upgrade(settings.database_url)
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        ctx = operator_context(session, settings, "keys-rotate")
        report = rotate_dossier_data(
            session,
            keys,
            store_factory=lambda protector: DocumentStore(settings.document_store_dir, protector),
        )
        rotate_payment_data(session, keys, report)
        record_event(
            ctx,
            action="data_key.rotated",
            entity_type="data_key",
            entity_id="data_key",
            after={**report.counts, "operator": operator_name(), "door": "cli"},
        )
    print(json.dumps(report.counts, ensure_ascii=False, indent=2))
    print(
        f"Rotation faite. Remplacez maintenant REMU_DATA_KEY par la valeur de {NEW_KEY_VARIABLE}, "
        "puis redémarrez l'API et le planificateur.",
        file=sys.stderr,
    )
    return EXIT_OK


def register(subparsers: Any) -> None:
    """Add ``keys`` to ``remu``."""
    keys = subparsers.add_parser("keys", help="clé de chiffrement des données").add_subparsers(
        dest="action", required=True
    )
    keys.add_parser("generate", help="afficher une nouvelle clé aléatoire").set_defaults(
        handler=_generate
    )
    keys.add_parser(
        "rotate",
        help=f"rechiffrer colonnes et fichiers avec la clé de {NEW_KEY_VARIABLE} (API arrêtée)",
    ).set_defaults(handler=_rotate)
