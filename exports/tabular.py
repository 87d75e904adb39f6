"""CSV and XLSX files for finance, in the French Excel profile, safe against formula injection.

Finance opens these files in Excel. A French Excel reads a CSV correctly only as UTF-8 *with* a
BOM, ``;`` between fields, a decimal comma and ``JJ/MM/AAAA`` dates; anything else turns amounts
into text or dates into American ones. CSV lines end with CRLF (RFC 4180).

Formula injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return can be run as a formula by a spreadsheet (OWASP "CSV injection"); trainee names, holders
and remittance texts come from outside, so every text cell starting so is made inert by a leading
``'``, in both writers. Money, date and integer cells are typed values and are never prefixed.

Money is ``Decimal`` end to end; writers format, they never round (an amount not exact to the
cent is refused). In XLSX, openpyxl would write a ``Decimal`` through a binary float (``0.07``
becomes ``0.07000000000000001`` in the file), so money cells are written from the decimal's own
text: the file holds exactly ``0.07``. A spreadsheet still reads numbers as binary floats: the
cells are display values, and the totals that count (the summary returned by each writer and the
optional total row) are computed here in ``Decimal``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exports.wording import cents_of
from rules.money import format_money

__all__ = [
    "Column",
    "ColumnKind",
    "TabularSummary",
    "csv_bytes",
    "iter_csv",
    "neutralize",
    "write_csv",
    "write_xlsx",
]

_DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BOM = "\ufeff"
_MONEY_FORMAT = "#,##0.00"
_DATE_FORMAT = "DD/MM/YYYY"
_INT_FORMAT = "0"
_WIDTHS = {"text": 28, "money": 16, "date": 12, "int": 10}


class ColumnKind(StrEnum):
    TEXT = "text"
    MONEY = "money"
    DATE = "date"
    INT = "int"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an export: its key in each row, its French header, the kind of its cells."""

    name: str
    header: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True, slots=True)
class TabularSummary:
    """What was written: the number of data rows and, per money column, its exact total."""

    row_count: int
    totals: Mapping[str, Decimal]


def neutralize(text: str) -> str:
    """Make a text cell inert if a spreadsheet could take it for a formula."""
    return f"'{text}" if text.startswith(_DANGEROUS_STARTS) else text


def _check_text(value: object, column: Column) -> str:
    if not isinstance(value, str):
        raise TypeError(f"colonne {column.name} : texte attendu, reçu {type(value).__name__}")
    return value


def _check_money(value: object, column: Column) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(
            f"colonne {column.name} : montant Decimal attendu, reçu {type(value).__name__}"
        )
    cents_of(value)
    return value


def _check_date(value: object, column: Column) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"colonne {column.name} : date attendue, reçu {type(value).__name__}")
    return value


def _check_int(value: object, column: Column) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"colonne {column.name} : entier attendu, reçu {type(value).__name__}")
    return value


def _money_text(value: Decimal) -> str:
    """The contract's money text (``-1234.50``, ``rules.money.format_money``), refusing an
    amount that is not exact to the cent."""
    cents_of(value)
    return format_money(value)


def _value(row: Mapping[str, object], column: Column) -> object:
    if column.name not in row:
        raise KeyError(f"colonne {column.name} absente de la ligne")
    return row[column.name]


def _csv_cell(value: object, column: Column) -> str:
    if value is None:
        return ""
    if column.kind is ColumnKind.TEXT:
        return neutralize(_check_text(value, column))
    if column.kind is ColumnKind.MONEY:
        return _money_text(_check_money(value, column)).replace(".", ",")
    if column.kind is ColumnKind.DATE:
        return _check_date(value, column).strftime("%d/%m/%Y")
    return str(_check_int(value, column))


class _Totals:
    """Counts rows and sums money columns exactly while rows stream through a writer."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.money = [c for c in columns if c.kind is ColumnKind.MONEY]
        self.sums = {c.name: Decimal("0.00") for c in self.money}
        self.rows = 0

    def add(self, row: Mapping[str, object]) -> None:
        self.rows += 1
        for column in self.money:
            value = _value(row, column)
            if value is not None:
                self.sums[column.name] += _check_money(value, column)

    def summary(self) -> TabularSummary:
        return TabularSummary(self.rows, dict(self.sums))

    def total_row(self, columns: Sequence[Column], label: str) -> dict[str, object]:
        first_text = next((c for c in columns if c.kind is ColumnKind.TEXT), None)
        if first_text is None:
            raise ValueError("une ligne de total a besoin d'une colonne texte pour son libellé")
        row: dict[str, object] = {c.name: None for c in columns}
        row.update(self.sums)
        row[first_text.name] = label
        return row


def _check_columns(columns: Sequence[Column]) -> None:
    names = [c.name for c in columns]
    if not columns or len(set(names)) != len(names):
        raise ValueError("colonnes vides ou en double")


def _csv_chunks(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, object]],
    totals: _Totals,
    total_label: str | None,
) -> Iterator[bytes]:
    _check_columns(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    buffer.write(_BOM)
    writer.writerow([neutralize(c.header) for c in columns])
    yield flush()
    for row in rows:
        totals.add(row)
        writer.writerow([_csv_cell(_value(row, c), c) for c in columns])
        yield flush()
    if total_label is not None:
        total = totals.total_row(columns, total_label)
        writer.writerow([_csv_cell(total[c.name], c) for c in columns])
        yield flush()


def iter_csv(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, object]],
    *,
    total_label: str | None = None,
) -> Iterator[bytes]:
    """The CSV file as byte chunks, one per row, for streaming a large export over HTTP."""
    return _csv_chunks(columns, rows, _Totals(columns), total_label)


def write_csv(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, object]],
    out: IO[bytes],
    *,
    total_label: str | None = None,
) -> TabularSummary:
    """Write the CSV to a binary stream, row by row; return the row count and exact totals."""
    totals = _Totals(columns)
    for chunk in _csv_chunks(columns, rows, totals, total_label):
        out.write(chunk)
    return totals.summary()


def csv_bytes(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, object]],
    *,
    total_label: str | None = None,
) -> bytes:
    """The whole CSV file in memory (small exports, tests)."""
    return b"".join(iter_csv(columns, rows, total_label=total_label))


def _xlsx_cell(sheet: Any, value: object, column: Column, *, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet)
    if bold:
        cell.font = Font(bold=True)
    if value is None:
        return cell
    if column.kind is ColumnKind.TEXT:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", neutralize(_check_text(value, column)))
    elif column.kind is ColumnKind.MONEY:
        # Numeric cell whose XML text is the decimal itself (see the module docstring).
        cell._value = _money_text(_check_money(value, column))
        cell.data_type = "n"
        cell.number_format = _MONEY_FORMAT
    elif column.kind is ColumnKind.DATE:
        cell.value = _check_date(value, column)
        cell.number_format = _DATE_FORMAT
    else:
        cell.value = _check_int(value, column)
        cell.number_format = _INT_FORMAT
    return cell


def write_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, object]],
    out: IO[bytes] | Path,
    *,
    sheet_title: str = "Export",
    total_label: str | None = None,
) -> TabularSummary:
    """Write an XLSX file in streaming mode (openpyxl ``write_only``): memory stays flat."""
    _check_columns(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column.kind.value]
    totals = _Totals(columns)
    try:
        _append_rows(sheet, columns, rows, totals, total_label)
    except BaseException:
        _discard(sheet)
        raise
    workbook.save(out)
    return totals.summary()


def _append_rows(
    sheet: Any,
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, object]],
    totals: _Totals,
    total_label: str | None,
) -> None:
    header = Column("header", "", ColumnKind.TEXT)
    sheet.append([_xlsx_cell(sheet, c.header, header, bold=True) for c in columns])
    for row in rows:
        totals.add(row)
        sheet.append([_xlsx_cell(sheet, _value(row, c), c) for c in columns])
    if total_label is not None:
        total = totals.total_row(columns, total_label)
        sheet.append([_xlsx_cell(sheet, total[c.name], c, bold=True) for c in columns])


def _discard(sheet: Any) -> None:
    """A failed export leaves no open stream nor temporary file behind (a server runs for long)."""
    sheet.close()
    with contextlib.suppress(AttributeError, OSError):
        os.remove(sheet._writer.out)
