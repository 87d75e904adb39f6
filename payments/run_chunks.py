"""The chunks of a payment run: each read, computed and written, the database work of one
chunk overlapping the computing of the next on PostgreSQL.

A chunk holds about 500 dossiers and never splits a trainee's dossiers. Its reading
(``evaluation.read_chunk``) does not depend on the rows the run writes for the other chunks,
except the advances paid to the same person, which the run carries itself
(``RunWriter.advances_paid``): so chunk k + 1 may be read before chunk k is written.
"""

from __future__ import annotations

import gc
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from payments.evaluation import ChunkReading, read_chunk
from payments.run_compute import ChunkWork, compute_chunk
from payments.run_worker import ChunkWorker, chunk_worker, worker_setup
from payments.run_writer import PendingRows, RunWriter
from remuneration.services.context import ServiceContext
from rules import default_store

__all__ = ["ChunkWork", "Progress", "chunk_pairs", "pay_chunks"]

Progress = Callable[[int, int], None]
_T = TypeVar("_T")
_SWITCH_INTERVAL_S = 0.0002


def chunk_pairs(
    rows: Iterable[tuple[uuid.UUID, uuid.UUID]], size: int
) -> Iterator[list[tuple[uuid.UUID, uuid.UUID]]]:
    """Chunks of about ``size`` dossiers that never split one trainee's dossiers."""
    chunk: list[tuple[uuid.UUID, uuid.UUID]] = []
    for row in rows:
        if len(chunk) >= size and row[1] != chunk[-1][1]:
            yield chunk
            chunk = []
        chunk.append(row)
    if chunk:
        yield chunk


def pay_chunks(
    ctx: ServiceContext,
    writer: RunWriter,
    chunks: list[list[tuple[uuid.UUID, uuid.UUID]]],
    *,
    work: ChunkWork,
    progress: Progress | None,
    worker: bool = False,
) -> None:
    """Every chunk, read, computed and written in the run's order; computed by a worker
    process when ``worker`` (``pay_chunks_in_worker``), else in this process."""
    if worker and chunks:
        pay_chunks_in_worker(ctx, writer, chunks, work=work, progress=progress)
    else:
        _pay_chunks_here(ctx, writer, chunks, work=work, progress=progress)


def _pay_chunks_here(
    ctx: ServiceContext,
    writer: RunWriter,
    chunks: list[list[tuple[uuid.UUID, uuid.UUID]]],
    *,
    work: ChunkWork,
    progress: Progress | None,
) -> None:
    """Every chunk: read, computed, written, in this order of database steps: write chunk
    k - 1, read chunk k + 1, while chunk k is computed (its reading came first).

    On PostgreSQL the database steps run in a second thread: the server works on its own core
    while Python computes. One thread touches the session at a time: the computing needs
    none, and each database step is handed over and awaited whole. A failure anywhere waits
    for the step in flight, then propagates (the caller's transaction is rolled back: nothing
    is kept). On SQLite, whose work is done in this process, the same steps run inline (a
    second thread measured no faster and cost a tenth more CPU time).
    """
    total, done = sum(len(chunk) for chunk in chunks), 0
    overlap = ctx.session.get_bind().dialect.name == "postgresql"
    store = ctx.parameters or default_store()
    with _settled_heap(), _database_steps(overlap) as database:
        ahead = database.submit(_read, ctx, chunks, 0)
        for index, chunk in enumerate(chunks):
            reading = ahead.result()
            assert reading is not None
            taken = writer.take()  # the previous chunk's rows, planned before this reading
            ahead = database.submit(_write_then_read, ctx, writer, taken, chunks, index + 1)
            compute_chunk(writer, reading, work, store)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        ahead.result()
    writer.flush()


def pay_chunks_in_worker(
    ctx: ServiceContext,
    writer: RunWriter,
    chunks: list[list[tuple[uuid.UUID, uuid.UUID]]],
    *,
    work: ChunkWork,
    progress: Progress | None,
) -> None:
    """The chunks computed by a worker process (``payments.run_worker``) while this process
    does the database steps: with chunk k in the worker, write chunk k - 1 and read chunk
    k + 1 (the same order of database steps as ``_pay_chunks_here``: a chunk is read after
    the one two before it is written, before the one just before it is)."""
    total, done = sum(len(chunk) for chunk in chunks), 0
    database = ctx.session.get_bind().dialect.name
    setup = worker_setup(writer.settings, work, ctx.protector, ctx.parameters, database)
    with _settled_heap(), chunk_worker(setup) as computing:
        computing.send(computing.pack(read_chunk(ctx, chunks[0])))
        ahead = _packed_read(ctx, chunks, 1)
        for index, chunk in enumerate(chunks):
            message = computing.receive()  # chunk ``index``, computed
            if ahead is not None:
                computing.send(ahead, answered=message)  # chunk ``index + 1``, packed before
            computed = computing.unpack(message)
            writer.adopt(computed.state)
            writer.write(computed.rows)
            ahead = _packed_read(ctx, chunks, index + 2)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    writer.flush()


class _Inline:
    """The executor's ``submit``, run at once in this thread."""

    def submit(self, step: Callable[..., _T], /, *args: Any) -> Future[_T]:
        future: Future[_T] = Future()
        try:
            future.set_result(step(*args))
        except BaseException as error:  # handed to the caller by ``result()``, as a thread would
            future.set_exception(error)
        return future


@contextmanager
def _database_steps(overlap: bool) -> Iterator[_Inline | ThreadPoolExecutor]:
    if not overlap:
        yield _Inline()
        return
    # The database thread waits on the server, then needs the GIL back to go on (a COPY sends
    # its rows 32 KiB at a time): with the default 5 ms switch interval it waited behind the
    # computing thread after every send. Restored when the run's chunks are done.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(_SWITCH_INTERVAL_S)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="remu-run-db") as executor:
            yield executor
    finally:
        sys.setswitchinterval(interval)


@contextmanager
def _settled_heap() -> Iterator[None]:
    """The objects alive when the chunks start left out of the cyclic garbage collector's
    scans until they are done (``gc.freeze``), unless the process has settled its heap already
    (``remu serve`` freezes it at startup: nothing is frozen or unfrozen then).

    A chunk's rows, facts and requests live across two chunk steps, so the collector moves
    them to its oldest generation before they die, and each full collection scanned the whole
    heap again (the libraries' objects included): 46 full collections and 11.5 s of the
    100 000-dossier run's 81 s of CPU on SQLite. Frozen objects are only skipped by the
    collector, never freed early; they go back to it afterwards."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _read(
    ctx: ServiceContext, chunks: list[list[tuple[uuid.UUID, uuid.UUID]]], index: int
) -> ChunkReading | None:
    return read_chunk(ctx, chunks[index]) if index < len(chunks) else None


def _packed_read(
    ctx: ServiceContext, chunks: list[list[tuple[uuid.UUID, uuid.UUID]]], index: int
) -> memoryview | None:
    reading = _read(ctx, chunks, index)
    return None if reading is None else ChunkWorker.pack(reading)


def _write_then_read(
    ctx: ServiceContext,
    writer: RunWriter,
    taken: PendingRows,
    chunks: list[list[tuple[uuid.UUID, uuid.UUID]]],
    index: int,
) -> ChunkReading | None:
    writer.write(taken)
    return _read(ctx, chunks, index)
