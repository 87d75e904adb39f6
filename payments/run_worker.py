"""A worker process computing a run's chunks on the second core.

The run's own Python work is one core's: reading and writing a chunk (the database steps) and
computing it (the facts, the engine, the planning, the rows) took turns on it. With a worker
process the run's process reads chunk k + 1 and writes chunk k - 1 while the worker computes
chunk k. The worker holds the run's planner (``RunPlanner``: counters, the batch identifier it
reserves, the advances this run paid, which a later chunk's person history needs), so chunks
are computed one after the other in the run's order, exactly as in one process.

What travels through the pipe is plain data: a chunk's rows as read, its rows to write, the
planner's counters. No session, no ORM object. The worker is started with ``spawn`` (forking
a process that holds database connections and SQLAlchemy engines is unsafe); it loads the
parameters from the same dated files as the run's process (or receives the caller's set) and
proves it by their digest; it receives the data protector's derived keys through the pipe.
A failure in the worker (an exception, or the process killed) is raised in the run's process,
whose transaction is then rolled back: nothing is kept. The worker is always stopped and
joined when the chunks are done, on failure and on interruption too.
"""

from __future__ import annotations

import copyreg
import gc
import io
import multiprocessing
import pickle
import signal
import traceback
import uuid
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy import Row
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from payments.evaluation import ChunkReading
from payments.lines import PaidState
from payments.run_compute import ChunkWork, compute_chunk
from payments.run_writer import PendingRows, PlannerState, PlanSettings, RunPlanner
from remuneration.services.protection import FieldProtector
from rules import Month, ParameterStore, default_store

__all__ = ["ChunkWorker", "RunWorkerError", "WorkerSetup", "chunk_worker", "worker_setup"]

_STOP_TIMEOUT_S = 10.0


class RunWorkerError(RuntimeError):
    """The worker process stopped without an answer (killed, or out of memory)."""


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    """Everything the worker receives once, before the first chunk."""

    plan: PlanSettings
    work: ChunkWork
    keys: tuple[bytes, bytes]
    parameters: ParameterStore | None  # None: the bundled set, loaded from its files
    digest: str  # the digest of the parameter set of the run's process
    database: str  # the database's dialect name: on SQLite the rows are prepared here


@dataclass(frozen=True, slots=True)
class ChunkDone:
    """A chunk computed: its rows to write and the planner's state after it."""

    rows: PendingRows
    state: PlannerState


_new, _set_attribute = object.__new__, object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown


def _uuid_of(value: int) -> uuid.UUID:
    """A ``uuid.UUID`` rebuilt from its integer (``UUID(int=…)`` without its checks: the value
    was a valid UUID's when it was sent)."""
    identifier: uuid.UUID = _new(uuid.UUID)
    _set_attribute(identifier, "int", value)
    _set_attribute(identifier, "is_safe", _UNKNOWN)
    return identifier


def _uuid_reduced(identifier: uuid.UUID) -> tuple[Callable[[int], uuid.UUID], tuple[int]]:
    return _uuid_of, (identifier.int,)


_RECORDS: dict[tuple[str, ...], type[tuple[Any, ...]]] = {}


def _record(fields: tuple[str, ...], values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row read by the run's process, rebuilt as a named tuple with the same fields (the
    computing reads a row's columns by name only)."""
    kind = _RECORDS.get(fields)
    if kind is None:
        kind = _RECORDS[fields] = namedtuple("Record", fields)
    return tuple.__new__(kind, values)


def _paid_reduced(state: PaidState) -> tuple[type[PaidState], tuple[Any, ...]]:
    return PaidState, (state.total, state.last_revision)


def _month_reduced(month: Month) -> tuple[type[Month], tuple[int, int]]:
    return Month, (month.year, month.month)


# Frozen dataclasses with slots pickle through ``dataclasses``' generic state functions (a
# chunk holds thousands of these): the run's own ones travel as their constructor's arguments.
_DISPATCH: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    uuid.UUID: _uuid_reduced,
    PaidState: _paid_reduced,
    Month: _month_reduced,
}


class _Pickler(pickle.Pickler):
    """The pipe's pickler: a ``uuid.UUID`` travels as its integer (a chunk holds thousands:
    the default pickling of its state cost 4.7 µs each, this 1.6 µs), a SQLAlchemy ``Row`` as
    its fields and values (a named tuple on arrival)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = {**_DISPATCH, Row: self._row}
        self._fields: dict[int, tuple[str, ...]] = {}

    def _row(self, row: Row[Any]) -> tuple[Callable[..., tuple[Any, ...]], tuple[Any, ...]]:
        """A row as its fields and values; the fields of one result once per message (the
        rows of a result share their metadata, alive while this message is written)."""
        parent = id(row._parent)
        fields = self._fields.get(parent)
        if fields is None:
            fields = self._fields[parent] = row._fields
        return _record, (fields, tuple(row))


def _packed(value: object) -> memoryview:
    buffer = io.BytesIO()
    _Pickler(buffer).dump(value)
    return buffer.getbuffer()


def _unpacked(message: bytes) -> Any:
    # Trusted: the pipe joins this run's own two processes, nothing else can write to it.
    return pickle.loads(message)  # noqa: S301


def _send(connection: Connection, value: object) -> None:
    connection.send_bytes(_packed(value))


def _receive(connection: Connection) -> Any:
    return _unpacked(connection.recv_bytes())


class ChunkWorker:
    """The run's side of the worker: one chunk sent, its result received, in turn. A reading
    is packed ahead (``pack``), and a result unpacked after the next reading is sent
    (``unpack``): the worker waits only for the bytes to pass, not for this process's
    pickling."""

    def __init__(self, connection: Connection, process: Any) -> None:
        self._connection, self._process = connection, process

    @staticmethod
    def pack(reading: ChunkReading) -> memoryview:
        return _packed(reading)

    def send(self, packed: memoryview, *, answered: bytes | None = None) -> None:
        """Send a packed reading; ``answered``: the last answer received and not unpacked yet
        (a worker that failed told it there, then stopped: its failure is raised, not the
        broken pipe)."""
        try:
            self._connection.send_bytes(packed)
        except (BrokenPipeError, ConnectionResetError, EOFError) as error:
            if answered is not None:
                self.unpack(answered)
            raise self._stopped() from error

    def receive(self) -> bytes:
        """The next answer's bytes, as they came (``unpack`` reads them)."""
        try:
            return self._connection.recv_bytes()
        except (EOFError, ConnectionResetError) as error:
            raise self._stopped() from error

    def unpack(self, message: bytes) -> ChunkDone:
        """A chunk's result; the worker's failure raised here."""
        answer = _unpacked(message)
        if isinstance(answer, ChunkDone):
            return answer
        failure, text = answer
        if isinstance(failure, BaseException):
            failure.add_note(f"(raised in the payment run's worker process)\n{text}")
            raise failure
        raise RunWorkerError(f"le calcul de la paie a échoué dans le processus de calcul : {text}")

    def _stopped(self) -> RunWorkerError:
        self._process.join(timeout=1)
        return RunWorkerError(
            "le processus de calcul de la paie s'est arrêté sans répondre "
            f"(code de sortie {self._process.exitcode}) : la paie est annulée"
        )


def worker_setup(
    plan: PlanSettings,
    work: ChunkWork,
    protector: FieldProtector,
    parameters: ParameterStore | None,
    database: str,
) -> WorkerSetup:
    store = parameters or default_store()
    return WorkerSetup(plan, work, protector.derived_keys(), parameters, store.digest, database)


@contextmanager
def chunk_worker(setup: WorkerSetup) -> Iterator[ChunkWorker]:
    """A started worker process; stopped and joined on the way out, whatever happens (on a
    failure or an interruption it is terminated at once: its work is thrown away)."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe(duplex=True)
    process = context.Process(target=serve, args=(theirs,), name="remu-run-worker", daemon=True)
    process.start()
    theirs.close()
    finished = False
    try:
        worker = ChunkWorker(ours, process)
        try:
            _send(ours, setup)
        except (BrokenPipeError, ConnectionResetError) as error:
            raise worker._stopped() from error
        yield worker
        finished = True
    finally:
        _stop(ours, process, finished)


def _stop(connection: Connection, process: Any, finished: bool) -> None:
    if finished:
        with suppress(OSError):  # broken pipe included: the worker is gone already
            _send(connection, None)  # the worker waits for its next chunk: it ends cleanly
        process.join(timeout=_STOP_TIMEOUT_S)
    if process.is_alive():
        process.terminate()
        process.join(timeout=_STOP_TIMEOUT_S)
    if process.is_alive():  # pragma: no cover - a worker deaf to SIGTERM
        process.kill()
        process.join()
    connection.close()
    process.close()


def _store_of(setup: WorkerSetup) -> ParameterStore:
    store = setup.parameters or default_store()
    if store.digest != setup.digest:
        raise RunWorkerError(
            "le processus de calcul n'a pas chargé les mêmes paramètres que la paie "
            f"(empreinte {store.digest[:12]} au lieu de {setup.digest[:12]})"
        )
    return store


def serve(connection: Connection) -> None:
    """The worker's loop: the setup, then chunks until ``None`` (or the pipe closes: the run's
    process is gone, so is its transaction)."""
    # Ctrl-C reaches the whole process group: the run's process decides, and stops the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        setup: WorkerSetup = _receive(connection)
        store = _store_of(setup)
        planner = RunPlanner(setup.plan, FieldProtector.from_derived_keys(setup.keys))
        # On SQLite the rows travel as the driver's parameters (texts and numbers), prepared by
        # the dialect's own bind processors; the run's process checks their statement again.
        dialect = SQLiteDialect_pysqlite() if setup.database == "sqlite" else None
        gc.freeze()  # the libraries and the parameters, left out of the collector's scans
        while (reading := _receive(connection)) is not None:
            compute_chunk(planner, reading, setup.work, store)
            rows = planner.take()
            if dialect is not None:
                rows.prepare(dialect)
            _send(connection, ChunkDone(rows, planner.state()))
    except EOFError:
        return
    except BaseException as error:  # every failure is the run's, told to its process
        _tell(connection, error)
    finally:
        connection.close()


def _tell(connection: Connection, error: BaseException) -> None:
    text = "".join(traceback.format_exception(error))
    try:
        _send(connection, (error, text))
    except Exception:  # the error itself does not pickle: its text does
        _send(connection, (None, text))
