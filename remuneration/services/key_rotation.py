"""Rotating the data key: every sealed column and file re-encrypted, every keyed hash recomputed.

The rotation runs in the caller's transaction with the old and the new protector. Stored files
are re-encrypted under new random names (the rows are pointed at them in the transaction); the
old files go when the transaction commits, the new ones if it rolls back, so an interrupted
rotation leaves the data readable with the old key. Each layer rotates its own tables: this
module the dossiers' (documents, decisions, uploaded files), `payments.key_rotation` the
payments'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.db.models import Decision, Document
from remuneration.services.decisions import DECISION_INPUT_CONTEXT
from remuneration.services.document_store import (
    DocumentStore,
    delete_files_after_commit,
    delete_files_after_rollback,
)
from remuneration.services.evaluation_input import IBAN_CONTEXT, NIR_CONTEXT
from remuneration.services.protection import FieldProtector

__all__ = ["KeyPair", "RotationReport", "rotate_dossier_data"]


@dataclass(frozen=True, slots=True)
class KeyPair:
    """The protector of the key in use and that of its successor."""

    old: FieldProtector
    new: FieldProtector

    def reseal(self, token: bytes, *, context: str) -> bytes:
        """Decrypt with the old key, encrypt with the new one (same context)."""
        return self.new.encrypt_bytes(
            self.old.decrypt_bytes(token, context=context), context=context
        )

    def rehash(self, token: bytes, *, context: str) -> str:
        """The new keyed hash of a sealed value."""
        return self.new.keyed_hash(self.old.decrypt(token, context=context), context=context)


@dataclass(slots=True)
class RotationReport:
    """How many values and files were re-encrypted, by kind."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, number: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + number


def _documents(session: Session, keys: KeyPair, report: RotationReport) -> None:
    for document in session.scalars(select(Document)):
        if document.nir_encrypted is not None:
            document.nir_hash = keys.rehash(document.nir_encrypted, context=NIR_CONTEXT)
            document.nir_encrypted = keys.reseal(document.nir_encrypted, context=NIR_CONTEXT)
            report.add("documents.nir")
        if document.iban_encrypted is not None:
            document.iban_hash = keys.rehash(document.iban_encrypted, context=IBAN_CONTEXT)
            document.iban_encrypted = keys.reseal(document.iban_encrypted, context=IBAN_CONTEXT)
            report.add("documents.iban")


def _decisions(session: Session, keys: KeyPair, report: RotationReport) -> None:
    for decision in session.scalars(select(Decision)):
        decision.input_encrypted = keys.reseal(
            decision.input_encrypted, context=DECISION_INPUT_CONTEXT
        )
        report.add("decisions.input")


def _files(
    session: Session,
    old_store: DocumentStore,
    new_store: DocumentStore,
    report: RotationReport,
) -> None:
    written: list[str] = []
    replaced: list[str] = []
    try:
        for document in session.scalars(select(Document).where(Document.stored_name.is_not(None))):
            assert document.stored_name is not None
            name = new_store.save(old_store.read(document.stored_name))
            written.append(name)
            replaced.append(document.stored_name)
            document.stored_name = name
            report.add("document_files")
    finally:
        delete_files_after_rollback(session, written, new_store.delete)
    delete_files_after_commit(session, replaced, old_store.delete)


def rotate_dossier_data(
    session: Session,
    keys: KeyPair,
    *,
    store_factory: Callable[[FieldProtector], DocumentStore],
) -> RotationReport:
    """Re-encrypt the dossiers' sealed columns and uploaded files; flushes, never commits."""
    report = RotationReport()
    _documents(session, keys, report)
    _decisions(session, keys, report)
    _files(session, store_factory(keys.old), store_factory(keys.new), report)
    session.flush()
    return report
