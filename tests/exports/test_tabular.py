"""CSV and XLSX exports: French Excel profile, exact money, formula injection made inert."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from exports.tabular import (
    Column,
    ColumnKind,
    csv_bytes,
    iter_csv,
    neutralize,
    write_csv,
    write_xlsx,
)

DATA = Path(__file__).parent / "data"

COLUMNS = (
    Column("beneficiary", "Bénéficiaire"),
    Column("period", "Période"),
    Column("kind", "Nature"),
    Column("amount", "Montant", ColumnKind.MONEY),
    Column("paid_on", "Date de paiement", ColumnKind.DATE),
    Column("lines", "Lignes", ColumnKind.INT),
)


def _rows() -> list[dict[str, object]]:
    return [
        {
            "beneficiary": "Dupont Marie",
            "period": "2024-03",
            "kind": "Rémunération",
            "amount": Decimal("473.33"),
            "paid_on": date(2024, 4, 5),
            "lines": 1,
        },
        {
            "beneficiary": '=HYPERLINK("http://x";"y")',
            "period": "2024-03",
            "kind": "Avance",
            "amount": Decimal("200.00"),
            "paid_on": date(2024, 4, 5),
            "lines": 1,
        },
        {
            "beneficiary": "Martin; Paul",
            "period": "2024-03",
            "kind": "Reprise de l'avance",
            "amount": Decimal("-200.00"),
            "paid_on": date(2024, 4, 5),
            "lines": 1,
        },
        {
            "beneficiary": "-2",
            "period": "2024-04",
            "kind": "Aide à la mobilité",
            "amount": Decimal("1234.56"),
            "paid_on": None,
            "lines": None,
        },
    ]


def test_csv_matches_the_golden_file_byte_for_byte() -> None:
    expected = (DATA / "golden-payments.csv").read_bytes()
    assert csv_bytes(COLUMNS, _rows(), total_label="Total") == expected


def test_csv_profile_bom_semicolon_crlf_decimal_comma() -> None:
    data = csv_bytes(COLUMNS, _rows())
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 5 and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[1] == ["Dupont Marie", "2024-03", "Rémunération", "473,33", "05/04/2024", "1"]
    assert rows[3][0] == "Martin; Paul"


def test_write_csv_streams_and_returns_exact_totals() -> None:
    out = io.BytesIO()
    summary = write_csv(COLUMNS, iter(_rows()), out)
    assert summary.row_count == 4
    assert summary.totals == {"amount": Decimal("1707.89")}
    assert out.getvalue() == csv_bytes(COLUMNS, _rows())
    chunks = list(iter_csv(COLUMNS, _rows()))
    assert len(chunks) == 5  # header, then one chunk per row: a large export never sits in memory


@pytest.mark.parametrize(
    ("text", "inert"),
    [
        ("=1+1", "'=1+1"),
        ("+33612345678", "'+33612345678"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Dupont", "Dupont"),
        ("Jean-Pierre", "Jean-Pierre"),
        ("", ""),
    ],
)
def test_injection_guard(text: str, inert: str) -> None:
    assert neutralize(text) == inert
    columns = (Column("name", "Nom"), Column("amount", "Montant", ColumnKind.MONEY))
    row = {"name": text, "amount": Decimal("-2.00")}
    parsed = list(
        csv.reader(
            io.StringIO(csv_bytes(columns, [row]).decode("utf-8-sig"), newline=""), delimiter=";"
        )
    )
    assert parsed[1] == [inert, "-2,00"]  # a negative amount stays a number, not a text
    out = io.BytesIO()
    write_xlsx(columns, [row], out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cell = sheet.cell(row=2, column=1)
    assert (cell.value or "") == inert
    if inert:
        assert cell.data_type == "s"  # a string, never a formula


def test_xlsx_read_back_typed_cells() -> None:
    out = io.BytesIO()
    summary = write_xlsx(COLUMNS, _rows(), out, sheet_title="Paiements", total_label="Total")
    assert summary.totals == {"amount": Decimal("1707.89")}
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook["Paiements"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == [c.header for c in COLUMNS]
    assert values[1][0] == "Dupont Marie"
    assert Decimal(str(values[1][3])) == Decimal("473.33")
    assert values[1][4] == datetime(2024, 4, 5)
    assert values[1][5] == 1
    assert values[2][0] == '\'=HYPERLINK("http://x";"y")'
    assert values[4][4] is None
    assert values[5][0] == "Total" and Decimal(str(values[5][3])) == Decimal("1707.89")
    money = sheet.cell(row=2, column=4)
    assert money.data_type == "n" and money.number_format == "#,##0.00"
    assert sheet.cell(row=2, column=5).number_format == "DD/MM/YYYY"
    assert sheet.cell(row=1, column=1).font.bold


def test_xlsx_money_is_written_as_its_exact_decimal_text() -> None:
    columns = (Column("amount", "Montant", ColumnKind.MONEY),)
    rows = [{"amount": Decimal(x)} for x in ("0.07", "0.56", "0.69", "-1234567.81")]
    out = io.BytesIO()
    write_xlsx(columns, rows, out)
    xml = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    for text in ("<v>0.07</v>", "<v>0.56</v>", "<v>0.69</v>", "<v>-1234567.81</v>"):
        assert text in xml
    assert "0.0700000" not in xml


def test_xlsx_to_a_path(tmp_path: Path) -> None:
    target = tmp_path / "export.xlsx"
    summary = write_xlsx(COLUMNS, _rows(), target)
    assert summary.row_count == 4
    assert load_workbook(target).active.max_row == 5


@pytest.mark.parametrize(
    ("column", "value", "error"),
    [
        (Column("x", "X", ColumnKind.MONEY), 12.5, TypeError),
        (Column("x", "X", ColumnKind.MONEY), 12, TypeError),
        (Column("x", "X", ColumnKind.MONEY), Decimal("1.005"), ValueError),
        (Column("x", "X", ColumnKind.DATE), datetime(2024, 1, 1, 12, 0), TypeError),
        (Column("x", "X", ColumnKind.DATE), "2024-01-01", TypeError),
        (Column("x", "X", ColumnKind.INT), True, TypeError),
        (Column("x", "X", ColumnKind.INT), Decimal(1), TypeError),
        (Column("x", "X", ColumnKind.TEXT), 3, TypeError),
    ],
)
def test_wrong_cell_values_are_refused(
    column: Column, value: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        csv_bytes((column,), [{"x": value}])
    with pytest.raises(error):
        write_xlsx((column,), [{"x": value}], io.BytesIO())


def test_missing_key_duplicate_columns_and_total_without_text_column() -> None:
    with pytest.raises(KeyError):
        csv_bytes(COLUMNS, [{"beneficiary": "Dupont"}])
    with pytest.raises(ValueError):
        csv_bytes((Column("a", "A"), Column("a", "B")), [])
    money_only = (Column("amount", "Montant", ColumnKind.MONEY),)
    with pytest.raises(ValueError):
        csv_bytes(money_only, [{"amount": Decimal("1.00")}], total_label="Total")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=-(10**9), max_value=10**9), max_size=30))
def test_totals_are_exact_sums(cents: list[int]) -> None:
    columns = (Column("label", "Libellé"), Column("amount", "Montant", ColumnKind.MONEY))
    amounts = [Decimal(c).scaleb(-2) for c in cents]
    rows = [{"label": "x", "amount": a} for a in amounts]
    out = io.BytesIO()
    summary = write_csv(columns, rows, out, total_label="Total")
    assert summary.totals["amount"] == sum(amounts, Decimal(0))
    last = out.getvalue().decode("utf-8-sig").split("\r\n")[-2]
    assert Decimal(last.split(";")[1].replace(",", ".")) == sum(amounts, Decimal(0))
