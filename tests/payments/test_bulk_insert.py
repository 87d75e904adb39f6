"""The run's bulk insert (COPY on PostgreSQL, one compiled executemany on SQLite) stores exactly
what SQLAlchemy's own ``executemany`` stores for the same values, awkward text included."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from sqlalchemy import Table, insert, select
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from payments import RunKind, RunRequest, start_run
from payments.bulk_insert import insert_rows, prepare_rows
from payments.models import Payment, PaymentLine
from remuneration.db.models import DossierViewEpoch
from tests.payments.runworld import FULL_MONTH, PAYER, World, granted_dossier

_LINES = cast(Table, PaymentLine.__table__)
_PAYMENTS = cast(Table, Payment.__table__)
PAYER_DAY = datetime(2024, 5, 8, tzinfo=UTC).date()
_AWKWARD = "tab\there, new\nline, back\\slash, \\N, « Zoé Anaïs » ; 'quote' \"double\"\r"


def _paid_run(world: World) -> None:
    granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    with world.unit() as ctx:
        start_run(ctx, RunRequest(RunKind.MONTHLY, "2024-04", PAYER_DAY), payer=PAYER)


def _line(template: dict[str, Any], revision: int, amount: str) -> dict[str, Any]:
    return {
        **template,
        "id": uuid.uuid4(),
        "payment_id": None,
        "revision": revision,
        "amount": Decimal(amount),
        "engine_amount": Decimal("0.00"),
        "explanation": _AWKWARD,
        "rule": "règle « test »",
        "created_at": datetime(2024, 5, 6, 8, 1, 2, 345678, tzinfo=UTC),
    }


def _read(world: World, table: Table, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    with world.session() as session:
        rows = session.execute(select(table).where(table.c.id.in_(ids)))
        found = {row.id: dict(row._mapping) for row in rows}
    return [{k: v for k, v in found[i].items() if k != "id"} for i in ids]


def test_bulk_rows_are_stored_as_sqlalchemy_stores_them(world: World) -> None:
    _paid_run(world)
    with world.session() as session:
        template = dict(session.execute(select(_LINES)).mappings().first() or {})
        payment = dict(session.execute(select(_PAYMENTS)).mappings().one())
    ours = [_line(template, 10, "-12.34"), _line(template, 11, "0.05")]
    theirs = [_line(template, 20, "-12.34"), _line(template, 21, "0.05")]
    copy = {
        **payment,
        "id": uuid.uuid4(),
        "reissue_of": payment["id"],
        "end_to_end_id": "E2E-BULK-TEST-1",
        "creditor_street": _AWKWARD[:70],
        "iban_encrypted": bytes(range(256)),
        "iban_recently_changed": True,
        "iban_changed_at": datetime(2024, 4, 30, 23, 59, 59, 999999, tzinfo=UTC),
        "returned_at": None,
    }
    with world.unit() as ctx:
        insert_rows(ctx.session, _LINES, ours)
        ctx.session.execute(insert(_LINES), theirs)
        insert_rows(ctx.session, _PAYMENTS, [copy])
    mine = _read(world, _LINES, [row["id"] for row in ours])
    reference = _read(world, _LINES, [row["id"] for row in theirs])
    for row in (*mine, *reference):
        row.pop("revision")
    assert mine == reference
    assert [row["amount"] for row in mine] == [Decimal("-12.34"), Decimal("0.05")]
    assert mine[0]["explanation"] == _AWKWARD
    (stored,) = _read(world, _PAYMENTS, [copy["id"]])
    assert stored["iban_encrypted"] == bytes(range(256))
    assert stored["creditor_street"] == _AWKWARD[:70]
    assert stored["iban_recently_changed"] is True
    assert stored["reissue_of"] == payment["id"]
    assert stored["amount"] == payment["amount"]


def _epoch(world: World) -> int:
    with world.session() as session:
        value = session.scalar(select(DossierViewEpoch.epoch).where(DossierViewEpoch.id == 1))
    assert value is not None
    return value


def test_bulk_rows_of_a_table_feeding_the_dossier_views_stale_them(world: World) -> None:
    """The bulk rows go around the session's events: payment lines (a person's advance feeds
    the history of their other dossiers) stale every stored dossier view, payments do not."""
    _paid_run(world)
    with world.session() as session:
        template = dict(session.execute(select(_LINES)).mappings().first() or {})
        payment = dict(session.execute(select(_PAYMENTS)).mappings().one())
    before = _epoch(world)
    with world.unit() as ctx:
        insert_rows(
            ctx.session,
            _PAYMENTS,
            [
                {
                    **payment,
                    "id": uuid.uuid4(),
                    "reissue_of": payment["id"],
                    "end_to_end_id": "E2E-V",
                }
            ],
        )
    assert _epoch(world) == before
    with world.unit() as ctx:
        insert_rows(ctx.session, _LINES, [_line(template, 30, "1.00")])
    assert _epoch(world) == before + 1


def test_rows_prepared_apart_are_what_the_connection_prepares(world: World) -> None:
    """A run's worker process prepares the rows with a dialect of its own: the driver's
    parameters are those the run's connection would have made, and rows prepared for another
    statement are refused."""
    _paid_run(world)
    with world.session() as session:
        template = dict(session.execute(select(_LINES)).mappings().first() or {})
    rows = [_line(template, 30, "-12.34"), _line(template, 31, "0.05")]
    with world.unit() as ctx:
        dialect = ctx.session.get_bind().dialect
        if dialect.name != "sqlite":
            with pytest.raises(ValueError, match="SQLite only"):
                prepare_rows(dialect, _LINES, rows)
            return
        apart = prepare_rows(SQLiteDialect_pysqlite(), _LINES, rows)
        assert apart == prepare_rows(dialect, _LINES, rows)
        assert all(isinstance(value, str | int | float | bytes | None) for row in apart.params
                   for value in row)  # fmt: skip
        fewer = [{k: v for k, v in row.items() if k != "rule"} for row in rows]
        partial = prepare_rows(dialect, _LINES, fewer)  # the columns of another statement
        with pytest.raises(ValueError, match="another statement"):
            insert_rows(ctx.session, _PAYMENTS, apart)
        with pytest.raises(ValueError, match="another statement"):
            insert_rows(ctx.session, _LINES, replace(partial, statement=apart.statement))
        insert_rows(ctx.session, _LINES, apart)
        theirs = [{**row, "id": uuid.uuid4(), "revision": 40 + i} for i, row in enumerate(rows)]
        ctx.session.execute(insert(_LINES), theirs)
    mine = _read(world, _LINES, [row["id"] for row in rows])
    reference = _read(world, _LINES, [row["id"] for row in theirs])
    assert [row.pop("revision") for row in mine] == [30, 31]
    assert [row.pop("revision") for row in reference] == [40, 41]
    assert mine == reference
