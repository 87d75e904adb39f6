"""Stored dossier views stamped stale by every write that feeds them, whoever writes.

Invalidation does not rely on each service remembering it: session events, installed on every
``Session`` when this module is imported (``remuneration.db`` imports it), watch what is written.

- ``before_flush``: every ORM object inserted, changed or deleted in a table that feeds a
  dossier view is mapped to the dossiers whose views it changes (`_FEEDS` below);
- ``do_orm_execute``: an INSERT, UPDATE or DELETE statement run through the session on such a
  table (ORM-enabled bulk statements, Core statements): its rows are not known, so every view
  is staled (the global epoch), unless it only sets columns that feed no view
  (`_IGNORED_COLUMNS`: a payment marking attendance lines paid);
- ``note_rows_written``: for writers that go around the session (``payments.bulk_insert``).

What was noted is applied in the same transaction, just before it commits (``before_commit``,
after the last flush): each affected dossier's stored view has its body cleared and its stamp
raised (one upsert, in dossier order: two transactions stamp rows in the same order); a write
that may change *other* dossiers' views (a NIR or IBAN now shared or no longer, a trainee's
identity, a training's dates, a dossier created or closed...) raises the global epoch, which
stales every stored view at once. Those writes are rare next to reads.

A reader that built a view from a snapshot taken before such a commit stores it with the stamp
and epoch it read first: the stamp or epoch has moved since, so the stored view is never served
(``remuneration.services.stored_views``).

Writes that bypass the session entirely, and why they need nothing: Alembic migrations (a
migration that changes data feeding the views must empty ``dossier_views``; the one creating it
starts empty), ``remu demo`` (through the services, hence the session), the payment run's bulk
rows (``payments.bulk_insert`` calls `note_rows_written`), ``drop_everything`` (tests only).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, delete, event, inspect, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from remuneration.db.models import Document, Dossier
from remuneration.db.models.views import EPOCH_ROW, DossierViewEpoch, StoredDossierView

__all__ = ["FEEDING_TABLES", "note_rows_written", "pending_of", "stale_every_view"]

_INFO_KEY = "remu_stale_views"

# Columns whose change feeds no view: a statement or an object changing only these is ignored.
_IGNORED_COLUMNS: dict[str, frozenset[str]] = {
    "attendance_statement_lines": frozenset({"paid", "paid_at"}),
    "attendance_statements": frozenset(
        {"version", "corrections", "submitted_by", "created_at", "updated_at"}
    ),
    "decisions": frozenset({"input_encrypted"}),
    "trainees": frozenset(
        {"email", "phone", "street", "postcode", "town", "country", "updated_at", "version"}
    ),
    "users": frozenset({"name", "role", "organisation_id", "active", "created_at"}),
}
# Columns of another record a view shows or reasons with: changing them stales every view.
_SHARED_COLUMNS: dict[str, frozenset[str]] = {
    "dossiers": frozenset({"trainee_id", "training_id", "reference"}),
    "documents": frozenset({"dossier_id", "kind", "nir_hash", "iban_hash"}),
}
_CLOSED = "closed"


@dataclass(slots=True)
class Pending:
    """What a transaction wrote that stales stored views, applied before it commits."""

    dossiers: set[uuid.UUID] = field(default_factory=set)
    people: set[uuid.UUID] = field(default_factory=set)  # these dossiers' persons' dossiers
    trainees: set[uuid.UUID] = field(default_factory=set)  # these trainees' dossiers
    dropped: set[uuid.UUID] = field(default_factory=set)  # deleted dossiers
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.dossiers or self.people or self.trainees or self.dropped or self.everything
        )


def pending_of(session: Session) -> Pending:
    """What the session's transaction has noted so far."""
    found = session.info.get(_INFO_KEY)
    if found is None:
        found = session.info[_INFO_KEY] = Pending()
    assert isinstance(found, Pending)
    return found


def stale_every_view(session: Session) -> None:
    """Stale every stored view when this transaction commits (the global epoch)."""
    pending_of(session).everything = True


def note_rows_written(session: Session, table: Table) -> None:
    """Rows written into ``table`` around the session (bulk inserts): every view is staled
    when the table feeds views (the rows are not looked at; a payment run does this once)."""
    if table.name in FEEDING_TABLES:
        stale_every_view(session)


# --- ORM objects ----------------------------------------------------------------------------


def _values(state: Any, key: str) -> Iterator[Any]:
    """The attribute's current value and, when it changed in this flush, its former one (an
    expired attribute is loaded)."""
    history = state.attrs[key].history
    if not (history.added or history.unchanged or history.deleted):
        yield getattr(state.obj(), key)
        return
    yield from history.added or ()
    yield from history.unchanged or ()
    yield from history.deleted or ()


def _changed(state: Any) -> set[str]:
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _ids(state: Any, key: str) -> set[uuid.UUID]:
    return {value for value in _values(state, key) if isinstance(value, uuid.UUID)}


@dataclass(frozen=True, slots=True)
class _Written:
    """One object inserted (``new``), changed (``dirty``: ``changed`` names its columns) or
    deleted (``deleted``)."""

    state: Any
    kind: str
    changed: frozenset[str]

    def ids(self, key: str) -> set[uuid.UUID]:
        return _ids(self.state, key)


def _everyone(pending: Pending, written: _Written) -> None:
    """A trainee's identity feeds possible duplicates (others' warnings), a training's dates and
    title every dossier in it and others' warnings, a user's name the documents they verified:
    rare writes, every view staled. A trainee's own dossiers also lose their stored body (no
    personal data kept from before an erasure)."""
    pending.everything = True
    if written.state.class_.__tablename__ == "trainees":
        pending.trainees |= written.ids("id")


def _user(pending: Pending, written: _Written) -> None:
    if written.kind != "new":  # a new account verified nothing yet
        _everyone(pending, written)


def _statement(pending: Pending, written: _Written) -> None:
    if written.kind != "new":  # a month changed or a statement deleted: rare
        pending.everything = True


def _dossier(pending: Pending, written: _Written) -> None:
    own = written.ids("id")
    pending.dossiers |= own
    statuses = set(_values(written.state, "status")) if "status" in written.changed else set()
    shared = written.changed & _SHARED_COLUMNS["dossiers"]
    if written.kind != "dirty" or shared or _CLOSED in statuses:
        pending.everything = True  # others' overlap warnings and histories name this dossier
    if written.kind == "deleted":
        pending.dropped |= own


def _document(pending: Pending, written: _Written) -> None:
    pending.dossiers |= written.ids("dossier_id")
    state = written.state
    hashes = {v for key in ("nir_hash", "iban_hash") for v in _values(state, key) if v}
    if written.changed & _SHARED_COLUMNS["documents"] or (written.kind != "dirty" and hashes):
        pending.everything = True  # a NIR or IBAN now shared, or no longer


def _own(pending: Pending, written: _Written) -> None:
    pending.dossiers |= written.ids("dossier_id")


def _person(pending: Pending, written: _Written) -> None:
    """An exit or a decision: the person's other dossiers read its dates and outcome."""
    pending.people |= written.ids("dossier_id")


def _payment_line(pending: Pending, written: _Written) -> None:
    if "advance" in set(_values(written.state, "kind")):  # the history's advance received
        pending.people |= written.ids("dossier_id")


_FEEDS: dict[str, Callable[[Pending, _Written], None]] = {
    "dossiers": _dossier,
    "documents": _document,
    "document_versions": _own,
    "aid_requests": _own,
    "attendance_statement_lines": _own,
    "attendance_statements": _statement,
    "exits": _person,
    "decisions": _person,
    "payment_lines": _payment_line,
    "trainees": _everyone,
    "trainings": _everyone,
    "users": _user,
}

FEEDING_TABLES = frozenset(_FEEDS)
"""Every table a dossier view reads (directly, or through its document checks' evaluation
request, the person's history and the overlap warnings)."""


def _note_object(pending: Pending, obj: object, kind: str) -> None:
    table = getattr(type(obj), "__tablename__", None)
    feed = _FEEDS.get(table) if isinstance(table, str) else None
    if feed is None or table is None:
        return
    state: Any = inspect(obj)
    changed = frozenset(_changed(state)) if kind == "dirty" else frozenset()
    if kind == "dirty" and not changed:
        return
    if changed and changed <= _IGNORED_COLUMNS.get(table, frozenset()):
        return
    feed(pending, _Written(state, kind, changed))


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    pending = pending_of(session)
    for kind, objects in (
        ("new", session.new),
        ("dirty", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objects:
            _note_object(pending, obj, kind)


# --- statements through the session -----------------------------------------------------------


def _statement_columns(statement: Any) -> set[str]:
    values = getattr(statement, "_values", None) or {}
    names = {getattr(key, "key", key) for key in values}
    for row in getattr(statement, "_multi_values", ()) or ():
        for item in row:
            names |= {getattr(key, "key", key) for key in item}
    return {name for name in names if isinstance(name, str)}


def _do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name not in FEEDING_TABLES:
        return
    if state.is_update:
        columns = _statement_columns(state.statement)
        if columns and columns <= _IGNORED_COLUMNS.get(name, frozenset()):
            return
    stale_every_view(state.session)


# --- applied before commit ----------------------------------------------------------------


_VITALE = "vitale"


def _people_dossiers(connection: Connection, dossier_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The dossiers of the same persons: same trainee record, or same NIR (the history)."""
    ids = list(dossier_ids)
    same_trainee = select(Dossier.trainee_id).where(Dossier.id.in_(ids))
    their_nirs = select(Document.nir_hash).where(
        Document.dossier_id.in_(ids), Document.kind == _VITALE, Document.nir_hash.is_not(None)
    )
    same_nir = select(Document.dossier_id).where(
        Document.kind == _VITALE, Document.nir_hash.in_(their_nirs)
    )
    found = connection.execute(
        select(Dossier.id).where(
            or_(Dossier.trainee_id.in_(same_trainee), Dossier.id.in_(same_nir))
        )
    )
    return set(found.scalars()) | dossier_ids


def _trainees_dossiers(connection: Connection, trainee_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    found = connection.execute(select(Dossier.id).where(Dossier.trainee_id.in_(list(trainee_ids))))
    return set(found.scalars())


def _stamp_statement(connection: Connection) -> Any:
    table = StoredDossierView.__table__
    module: Any = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = module.insert(table).values(dossier_id=bindparam("d"), stamp=1, body=None)
    return insert.on_conflict_do_update(
        index_elements=[table.c.dossier_id], set_={"stamp": table.c.stamp + 1, "body": None}
    )


_RAISE_EPOCH = (
    update(DossierViewEpoch)
    .where(DossierViewEpoch.id == EPOCH_ROW)
    .values(epoch=DossierViewEpoch.epoch + 1)
)
_DROP = delete(StoredDossierView).where(
    StoredDossierView.dossier_id.in_(bindparam("ids", expanding=True))
)


def apply_pending(connection: Connection, pending: Pending) -> None:
    """Stamp the affected stored views and raise the epoch, in the writing transaction."""
    ids = set(pending.dossiers)
    if pending.people:
        ids |= _people_dossiers(connection, pending.people)
    if pending.trainees:
        ids |= _trainees_dossiers(connection, pending.trainees)
    if pending.dropped:
        connection.execute(_DROP, {"ids": sorted(pending.dropped)})
    stamped = sorted(ids - pending.dropped)
    if stamped:
        connection.execute(_stamp_statement(connection), [{"d": d} for d in stamped])
    if pending.everything:
        connection.execute(_RAISE_EPOCH)


def _before_commit(session: Session) -> None:
    session.flush()  # the last changes are noted before they are applied (no-op when clean)
    pending = session.info.pop(_INFO_KEY, None)
    if pending:
        apply_pending(session.connection(), pending)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(_INFO_KEY, None)


def _install(events: Iterable[tuple[str, Any]]) -> None:
    for name, listener in events:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


_install(
    (
        ("before_flush", _before_flush),
        ("do_orm_execute", _do_orm_execute),
        ("before_commit", _before_commit),
        ("after_transaction_end", _after_transaction_end),
    )
)
