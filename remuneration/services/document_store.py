"""The protected store of uploaded documents: encrypted files under random names.

The original file name is never kept (it often holds the trainee's name); the content is
encrypted with the data key and bound to its stored name, so a file cannot be swapped for another.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from remuneration.services.protection import FieldProtector

__all__ = [
    "DocumentStore",
    "StoredFile",
    "delete_files_after_commit",
    "delete_files_after_rollback",
]

_log = logging.getLogger("remu.documents")
_AFTER_COMMIT = "remu_files_to_delete"
_AFTER_ROLLBACK = "remu_files_written"

_NAME = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file of the store: its name and when it was last written (UTC)."""

    name: str
    modified_at: datetime


class DocumentStore:
    """Encrypted files in one directory."""

    def __init__(self, directory: Path, protector: FieldProtector) -> None:
        self._directory = directory
        self._protector = protector

    def save(self, content: bytes) -> str:
        """Encrypt and write `content`; return its random stored name."""
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = secrets.token_hex(16)
        sealed = self._protector.encrypt_bytes(content, context=f"document-file:{name}")
        path = self._directory / name
        path.write_bytes(sealed)
        path.chmod(0o600)
        return name

    def read(self, name: str) -> bytes:
        """Decrypt a stored file."""
        sealed = (self._directory / name).read_bytes()
        return self._protector.decrypt_bytes(sealed, context=f"document-file:{name}")

    def delete(self, name: str) -> None:
        """Remove a stored file (retention, replacement)."""
        if not _NAME.match(name):
            raise ValueError("not a stored file name")
        (self._directory / name).unlink(missing_ok=True)

    def files(self) -> Iterator[StoredFile]:
        """Every file the store holds (names it could have written only)."""
        if not self._directory.is_dir():
            return
        for path in sorted(self._directory.iterdir()):
            if path.is_file() and _NAME.match(path.name):
                moment = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
                yield StoredFile(path.name, moment)

    def write_sealed(self, name: str, sealed: bytes) -> None:
        """Write an already sealed file under `name` (key rotation)."""
        if not _NAME.match(name):
            raise ValueError("not a stored file name")
        path = self._directory / name
        path.write_bytes(sealed)
        path.chmod(0o600)


def _delete_all(pending: list[tuple[Callable[[str], None], str]]) -> None:
    for delete, name in pending:
        try:
            delete(name)
        except OSError:
            _log.exception("a stored file could not be deleted: %s", name)


def _after_commit(session: Session) -> None:
    session.info.pop(_AFTER_ROLLBACK, None)
    _delete_all(session.info.pop(_AFTER_COMMIT, []))


def _after_rollback(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)
    _delete_all(session.info.pop(_AFTER_ROLLBACK, []))


def _listen(session: Session) -> None:
    if not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)


def delete_files_after_commit(
    session: Session, names: Sequence[str], delete: Callable[[str], None]
) -> None:
    """Delete stored files once the session's transaction commits (never after a rollback):
    a replaced or purged document's file goes with the row that named it."""
    _listen(session)
    session.info.setdefault(_AFTER_COMMIT, []).extend((delete, name) for name in names)


def delete_files_after_rollback(
    session: Session, names: Sequence[str], delete: Callable[[str], None]
) -> None:
    """Delete files just written if the transaction that should name them rolls back."""
    _listen(session)
    session.info.setdefault(_AFTER_ROLLBACK, []).extend((delete, name) for name in names)
