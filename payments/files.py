"""A batch's pain.001 in the database: written in 1 MiB chunks, read back as a stream.

The file is built once and kept byte for byte (the chunks, in order, with the SHA-256 of the
whole), so that every download gives the same bytes and a release can prove that what it
releases is what was validated. Storing it in the database keeps it in the run's transaction:
a crashed run leaves no orphan file. A pain.001 names every creditor's IBAN, so each chunk is
sealed at rest with the data key (AES-GCM, bound to its batch and position: chunks cannot be
swapped or reordered unnoticed); the SHA-256 is that of the plain file the bank receives.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from lxml import etree
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from payments.models import PaymentBatchChunk
from remuneration.services.protection import FieldProtector

__all__ = [
    "CHUNK_BYTES",
    "FileHeader",
    "chunk_context",
    "file_chunks",
    "file_sha256",
    "open_stored_file",
    "read_header",
    "store_file",
]

CHUNK_BYTES = 1024 * 1024


def chunk_context(batch_id: uuid.UUID, sequence: int) -> str:
    """The associated data of one sealed chunk."""
    return f"payment_batch_chunks.data:{batch_id}:{sequence}"


def store_file(
    session: Session, batch_id: uuid.UUID, source: BinaryIO, protector: FieldProtector
) -> int:
    """Copy ``source`` (from its current position) into the batch's sealed chunks; returns the
    plain size."""
    sequence = size = 0
    while data := source.read(CHUNK_BYTES):
        sealed = protector.encrypt_bytes(data, context=chunk_context(batch_id, sequence))
        session.execute(
            insert(PaymentBatchChunk).values(batch_id=batch_id, sequence=sequence, data=sealed)
        )
        sequence += 1
        size += len(data)
    return size


def file_chunks(
    session: Session, batch_id: uuid.UUID, protector: FieldProtector
) -> Iterator[bytes]:
    """The stored file in clear, chunk after chunk (one query per chunk: memory stays at one
    chunk)."""
    sequence = 0
    while True:
        data = session.scalar(
            select(PaymentBatchChunk.data).where(
                PaymentBatchChunk.batch_id == batch_id, PaymentBatchChunk.sequence == sequence
            )
        )
        if data is None:
            return
        yield protector.decrypt_bytes(bytes(data), context=chunk_context(batch_id, sequence))
        sequence += 1


class _ChunkReader(io.RawIOBase):
    """A read-only binary stream over the chunks (for parsers that want a file)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def open_stored_file(session: Session, batch_id: uuid.UUID, protector: FieldProtector) -> BinaryIO:
    """The stored file as a buffered binary stream."""
    return io.BufferedReader(_ChunkReader(file_chunks(session, batch_id, protector)), CHUNK_BYTES)


def file_sha256(session: Session, batch_id: uuid.UUID, protector: FieldProtector) -> str:
    """SHA-256 of the stored file (to prove the file was not altered since validation)."""
    digest = hashlib.sha256()
    for chunk in file_chunks(session, batch_id, protector):
        digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class FileHeader:
    """The group header of a stored pain.001: what the bank will read first."""

    message_id: str
    number_of_transactions: int
    control_sum: Decimal


def read_header(session: Session, batch_id: uuid.UUID, protector: FieldProtector) -> FileHeader:
    """Parse the stored file up to the end of its group header, and stop there."""
    stream = open_stored_file(session, batch_id, protector)
    events = etree.iterparse(
        stream, events=("end",), resolve_entities=False, no_network=True, load_dtd=False
    )
    for _, element in events:
        if etree.QName(element).localname == "GrpHdr":
            values = {etree.QName(child).localname: child.text or "" for child in element}
            return FileHeader(values["MsgId"], int(values["NbOfTxs"]), Decimal(values["CtrlSum"]))
    raise ValueError("no group header in the stored file")
