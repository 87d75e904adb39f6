"""Finance exports without a database: the rows of a fixed run, its golden CSV bytes, the XLSX
read back, formula injection, and the reconciliation catching every kind of disagreement."""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from exports.finance.files import ExportFile, ExportFormat, write_export
from exports.finance.reconciliation import (
    RUN_COLUMNS,
    BatchData,
    CarriedOverpayment,
    DossierInfo,
    OffsetData,
    RunData,
    RunLineData,
    Transfer,
    reconcile,
    row_dict,
    run_rows,
)
from exports.finance.summary import SUMMARY_COLUMNS, summarise, summary_dicts
from exports.tabular import csv_bytes

DATA = Path(__file__).parent / "data"


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


DOSSIER_A, DOSSIER_B, DOSSIER_C = _id(0xA1), _id(0xB1), _id(0xC1)
TRAINEE_A, TRAINEE_B, TRAINEE_C = _id(0xA0), _id(0xB0), _id(0xC0)
PAYMENT_A, REISSUE_C = _id(0xA2), _id(0xC2)


def fixed_run() -> RunData:
    """A small monthly run: a trainee paid (with an overpayment offset), a trainee whose
    regularisation left a negative balance (carried as an overpayment), and a refused transfer
    re-issued."""
    transfer_a = Transfer(
        payment_id=PAYMENT_A,
        origin_id=PAYMENT_A,
        dossier_id=DOSSIER_A,
        amount=Decimal("1009.92"),
        status="released",
        end_to_end_id="RM0000000000000000000000000000000A",
        batch_message_id="REMU0000000000000000000000000001",
        execution_date=date(2024, 5, 8),
        iban_masked="FR76 **** **** **** **** ***0 189",
    )
    reissue = dataclasses.replace(
        transfer_a,
        payment_id=REISSUE_C,
        origin_id=None,
        dossier_id=DOSSIER_C,
        amount=Decimal("300.00"),
        end_to_end_id="RM0000000000000000000000000000000C",
        iban_masked="FR76 **** **** **** **** ***1 234",
    )
    return RunData(
        run_id=_id(1),
        kind="monthly",
        period="2024-04",
        lines=(
            RunLineData(DOSSIER_A, "2024-03", "remuneration", 0, Decimal("473.33"), PAYMENT_A),
            RunLineData(DOSSIER_A, "2024-03", "advance_recovery", 0, Decimal("-200.00"), PAYMENT_A),
            RunLineData(DOSSIER_A, "2024-03", "mobility", 0, Decimal("63.23"), PAYMENT_A),
            RunLineData(DOSSIER_A, "2024-04", "remuneration", 0, Decimal("723.36"), PAYMENT_A),
            RunLineData(DOSSIER_B, "2024-03", "remuneration", 1, Decimal("-100.00"), None),
        ),
        offsets=(OffsetData(DOSSIER_A, Decimal("50.00"), PAYMENT_A),),
        overpayments=(CarriedOverpayment(DOSSIER_B, Decimal("100.00")),),
        transfers=(transfer_a, reissue),
        batches=(BatchData("REMU0000000000000000000000000001", "released", 2, Decimal("1309.92")),),
        dossiers={
            DOSSIER_A: DossierInfo(DOSSIER_A, TRAINEE_A, "Dupont Marie Claire", "QUALIF"),
            DOSSIER_B: DossierInfo(DOSSIER_B, TRAINEE_B, "=1+2 Martin", "SAVOIRS"),
            DOSSIER_C: DossierInfo(DOSSIER_C, TRAINEE_C, "Bernard Paul", "QUALIF"),
        },
    )


def test_the_rows_of_a_run_match_the_golden_csv_bytes() -> None:
    rows = [row_dict(row) for row in run_rows(fixed_run())]
    data = csv_bytes(RUN_COLUMNS, rows, total_label="Total")
    assert data == (DATA / "golden-run.csv").read_bytes()


def test_the_golden_csv_reads_back_in_the_french_excel_profile() -> None:
    data = (DATA / "golden-run.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, body, total = table[0], table[1:-1], table[-1]
    assert header[:4] == ["Paie", "Référence stagiaire", "Stagiaire", "Dossier"]
    assert "Montant (€)" in header and "EndToEndId" in header and "Compte (masqué)" in header
    amounts = [Decimal(row[header.index("Montant (€)")].replace(",", ".")) for row in body]
    assert sum(amounts, Decimal(0)) == Decimal("1309.92")
    assert total[0] == "Total" and total[header.index("Montant (€)")] == "1309,92"
    names = {row[header.index("Stagiaire")] for row in body}
    assert "'=1+2 Martin" in names and "=1+2 Martin" not in names
    natures = [row[header.index("Nature")] for row in body]
    assert "Retenue pour trop-perçu" in natures and "Réémission d'un virement refusé" in natures
    assert all("FR76 ****" in row[-1] or row[-1] == "" for row in body)


def test_a_consistent_run_reconciles_to_the_cent() -> None:
    check = reconcile(fixed_run())
    assert check.ok, check.problems
    assert check.lines_total == Decimal("959.92")
    assert check.offsets_total == Decimal("50.00")
    assert check.carried_total == Decimal("100.00")
    assert check.reissues_total == Decimal("300.00")
    assert check.rows_total == check.transfers_total == check.batches_total == Decimal("1309.92")
    assert (check.transfers_count, check.batches_count) == (2, 2)


def test_every_disagreement_is_named() -> None:
    run = fixed_run()
    wrong_batch = dataclasses.replace(
        run, batches=(dataclasses.replace(run.batches[0], control_sum=Decimal("1309.93")),)
    )
    assert any("les lots annoncent" in p for p in reconcile(wrong_batch).problems)

    wrong_amount = dataclasses.replace(
        run,
        transfers=(
            dataclasses.replace(run.transfers[0], amount=Decimal("1009.91")),
            *run.transfers[1:],
        ),
        batches=(dataclasses.replace(run.batches[0], control_sum=Decimal("1309.91")),),
    )
    problems = reconcile(wrong_amount).problems
    assert any("total des lignes" in p for p in problems)
    assert any("RM0000000000000000000000000000000A" in p for p in problems)

    orphan = dataclasses.replace(
        run, lines=(*run.lines, dataclasses.replace(run.lines[0], payment_id=_id(0xDEAD)))
    )
    assert any("absent des lots" in p for p in reconcile(orphan).problems)

    unbalanced = dataclasses.replace(
        run, overpayments=(CarriedOverpayment(DOSSIER_B, Decimal("99.99")),)
    )
    assert any("ne s'annulent pas" in p for p in reconcile(unbalanced).problems)


def test_the_summary_counts_by_programme_and_nature_and_shows_the_check() -> None:
    rows = run_rows(fixed_run())
    lines = summarise(rows)
    assert [(x.programme, x.nature, x.count, x.amount) for x in lines] == [
        ("QUALIF", "remuneration", 2, Decimal("1196.69")),
        ("QUALIF", "advance_recovery", 1, Decimal("-200.00")),
        ("QUALIF", "mobility", 1, Decimal("63.23")),
        ("QUALIF", "offset", 1, Decimal("-50.00")),
        ("QUALIF", "reissue", 1, Decimal("300.00")),
        ("SAVOIRS", "remuneration", 1, Decimal("-100.00")),
        ("SAVOIRS", "carried_debt", 1, Decimal("100.00")),
    ]
    data = csv_bytes(SUMMARY_COLUMNS, summary_dicts(lines, reconcile(fixed_run())))
    text = data.decode("utf-8-sig")
    assert "Total;;Total des lignes;8;1309,92\r\n" in text
    assert "Contrôle;;Sommes de contrôle des lots (CtrlSum);2;1309,92\r\n" in text
    assert "Contrôle;;Écart lignes − lots;;0,00\r\n" in text
    assert "Rapprochement : conforme" in text


def _export(rows: list[dict[str, object]]) -> ExportFile:
    return ExportFile(
        stem="paie-test",
        sheet_title="Paie",
        columns=RUN_COLUMNS,
        rows=rows,
        total_label="Total",
        check=reconcile(fixed_run()),
        audit={},
    )


def test_the_xlsx_reads_back_with_typed_cells_and_inert_text(tmp_path: Path) -> None:
    rows = [row_dict(row) for row in run_rows(fixed_run())]
    target = tmp_path / "paie.xlsx"
    summary = write_export(_export(rows), ExportFormat.XLSX, target)
    assert summary.row_count == len(rows) and summary.totals["amount"] == Decimal("1309.92")
    sheet = load_workbook(target)["Paie"]
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    assert header == [column.header for column in RUN_COLUMNS]
    amount, name, day = (
        header.index("Montant (€)"),
        header.index("Stagiaire"),
        header.index("Date d'exécution"),
    )
    body = table[1:-1]
    assert sum((Decimal(str(row[amount])) for row in body), Decimal(0)) == Decimal("1309.92")
    assert Decimal(str(table[-1][amount])) == Decimal("1309.92") and table[-1][0] == "Total"
    assert "'=1+2 Martin" in {row[name] for row in body}
    assert all(isinstance(row[amount], int | float) for row in body)
    assert any(
        isinstance(row[day], datetime) and row[day].date() == date(2024, 5, 8) for row in body
    )
    with zipfile.ZipFile(target) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<v>473.33</v>" in xml and b"<v>1309.92</v>" in xml  # the decimals, not floats


def test_every_dangerous_start_is_made_inert_in_both_formats(tmp_path: Path) -> None:
    payloads = ["=cmd|'/c calc'!A0", "+33 1 23", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
    rows = []
    for index, payload in enumerate(payloads):
        row = row_dict(run_rows(fixed_run())[0])
        row["trainee_name"] = payload
        row["programme"] = payload
        row["amount"] = Decimal(index)
        rows.append(row)
    text = csv_bytes(RUN_COLUMNS, rows).decode("utf-8-sig")
    cells = [cell for line in csv.reader(io.StringIO(text), delimiter=";") for cell in line]
    for payload in payloads:
        assert f"'{payload}" in cells
        assert payload not in cells
    target = tmp_path / "injection.xlsx"
    write_export(_export(rows), ExportFormat.XLSX, target)
    values = {
        cell
        for row in load_workbook(target)["Paie"].iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    }
    for payload in ("=cmd|'/c calc'!A0", "+33 1 23", "-2+3", "@SUM(A1)", "\tTab"):
        assert f"'{payload}" in values and payload not in values


def test_every_euro_of_the_run_is_in_one_state() -> None:
    run = fixed_run()
    check = reconcile(run)
    assert check.ok
    states = check.states
    assert (states.count("paid"), states.amount("paid")) == (2, Decimal("1309.92"))
    assert states.amount("offset") == Decimal("50.00")
    assert states.amount("debt_open") == Decimal("100.00")
    assert states.transfers_total() == check.batches_total

    refused = dataclasses.replace(run.transfers[0], status="returned", reissued=True)
    returned = dataclasses.replace(run.transfers[1], status="returned")
    moved = reconcile(dataclasses.replace(run, transfers=(refused, returned)))
    assert moved.ok
    assert moved.states.amount("reissued") == Decimal("1009.92")
    assert moved.states.amount("returned") == Decimal("300.00")
    assert moved.states.amount("paid") == 0

    text = csv_bytes(SUMMARY_COLUMNS, summary_dicts(summarise(run_rows(run)), moved)).decode(
        "utf-8-sig"
    )
    assert "États;;Rejeté ou retourné, puis réémis;1;1009,92\r\n" in text
    assert "États;;Retourné par la banque (camt.054), à réémettre;1;300,00\r\n" in text
    assert "Contrôle;;Total des états des virements (= virements = lots);2;1309,92\r\n" in text


def test_a_transfer_in_an_unknown_state_is_refused() -> None:
    run = fixed_run()
    odd = dataclasses.replace(run.transfers[0], status="lost")
    check = reconcile(dataclasses.replace(run, transfers=(odd, run.transfers[1])))
    assert not check.ok
    assert any("état inconnu" in p for p in check.problems)
    assert any("les états des virements font" in p for p in check.problems)
    unknown_overpayment = dataclasses.replace(
        run, overpayments=(CarriedOverpayment(DOSSIER_B, Decimal("100.00"), "?"),)
    )
    assert any(
        "trop-perçu reporté a un état inconnu" in p for p in reconcile(unknown_overpayment).problems
    )


def test_a_corrected_batch_takes_its_transfers_out_of_the_rejected_one() -> None:
    run = fixed_run()
    [batch] = run.batches
    rejected = dataclasses.replace(
        batch, status="rejected_by_bank", withdrawn_count=2, withdrawn=Decimal("1309.92")
    )
    corrected = dataclasses.replace(batch, message_id="REMU0000000000000000000000000002")
    assert reconcile(dataclasses.replace(run, batches=(rejected, corrected))).ok
    assert not reconcile(dataclasses.replace(run, batches=(batch, corrected))).ok
