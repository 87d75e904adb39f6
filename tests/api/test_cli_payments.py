"""Finance's day on the command line, on the demo data, read in French all along: the monthly
run (once), its batch listed with its status in words, approved and released by two people who
type back the totals as the command printed them (« 120 818,55 € »), its pain.001 written to a
file (valid, audited, the stored bytes), a bank file imported once, the run's export reconciled.
Scripts get the stored codes with ``--json``. The command line works on its own embedded SQLite
file under `REMU_HOME`, as on an operator's machine.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from api.cli.display import count, period_in_words
from api.composition import main
from api.settings import load_settings
from exports.wording import amount_in_figures
from payments.models import BankFile, PaymentBatch
from payments.sepa import is_target2_business_day, validate_pain001
from remuneration.db.models import AuditEvent
from remuneration.db.session import engine_scope, make_session_factory
from tests.payments.bankfiles import camt054

_CLEAN = ("REMU_JWT_SECRET", "REMU_DATA_KEY", "DATABASE_URL", "REMU_DATABASE_URL")
_NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def _next_target2_day(today: date) -> date:
    day = today + timedelta(days=1)
    while not is_target2_business_day(day):
        day += timedelta(days=1)
    return day


def test_a_monthly_run_its_file_and_a_bank_file_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in _CLEAN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REMU_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--trainees", "40"]) == 0
    loaded = capsys.readouterr()
    states = (loaded.out + loaded.err).split("Dossiers par état — ")[1]
    assert "accordé : " in states and "clos : " in states, states
    assert not {"granted", "closed", "incomplete", "submitted"} & set(
        re.findall(r"[a-z_]+", states)
    )

    today = date.today()
    period = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    execution = _next_target2_day(today).isoformat()
    command = ["payments", "run", "--kind", "monthly", "--period", period]
    assert main([*command, "--execution-date", execution]) == 0
    out, err = capsys.readouterr()
    run_id, transfers, total, overpayments, reissues = out.rstrip("\n").split("\t")
    assert "créée" in err and "dossiers traités" in err
    # French words for the person (not the stored kind nor the ISO period), French figures.
    said = re.search(
        rf"Paie {period_in_words(period)} \(paie mensuelle\) créée : "
        r"([\d\u202f]+ virements?) pour ([\d\u202f]+,\d\d\u00a0€)\.",
        err,
    )
    assert said is not None, err
    assert (transfers, total) == (said.group(1), said.group(2))
    assert re.fullmatch(r"\d+ trop-perçus?", overpayments) and "réémission" in reissues
    assert main([*command, "--execution-date", execution, "--json"]) == 0
    again, err = capsys.readouterr()
    scripted = json.loads(again)
    assert scripted["created"] is False and "déjà faite" in err
    assert scripted["run"]["id"] == run_id and scripted["run"]["kind"] == "monthly"
    assert scripted["run"]["execution_date"] == execution
    run_total = Decimal(scripted["run"]["total_amount"])
    assert run_total > 0 and total == amount_in_figures(
        run_total
    )  # the letters' and console's figures

    settings = load_settings()
    with engine_scope(settings.database_url) as engine, make_session_factory(engine)() as session:
        batch = session.scalars(select(PaymentBatch)).one()
    assert main(["payments", "list", "--user", "demo-finance"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0] == "PAIES" and "LOTS" in listing
    [run_line] = [line for line in listing if line.startswith(run_id)]
    assert run_line.split("\t")[1:7] == [
        "Paie mensuelle",
        f"{period[5:]}/{period[:4]}",
        date.fromisoformat(execution).strftime("%d/%m/%Y"),
        "Terminée",
        transfers.split()[0],
        total,
    ]
    [batch_line] = [line for line in listing if line.startswith(str(batch.id))]
    assert "\tPréparé, à libérer\t" in batch_line and "prepared" not in batch_line
    # Prepared by the system account: one person approves, another releases (four eyes), each
    # typing the totals as read on the screen.
    seen = ["--transactions", transfers.split()[0].replace("\u202f", " "), "--control-sum", total]
    assert main(["payments", "approve", str(batch.id), "--user", "demo-finance", *seen]) == 0
    approved = capsys.readouterr()
    assert approved.out == f"{batch.id}\tPréparé, à libérer\tapprouvé\n"
    assert f"approuvé ({transfers} pour {total})" in approved.err
    assert main(["payments", "release", str(batch.id), "--user", "demo-finance-2", *seen]) == 0
    assert capsys.readouterr().out == f"{batch.id}\tLibéré\t{transfers}\t{total}\n"
    output = tmp_path / "virements.xml"
    assert main(["payments", "file", str(batch.id), "-o", str(output)]) == 0
    written = capsys.readouterr()
    printed_sha, printed_path = written.out.strip().split("\t")
    data = output.read_bytes()
    assert f"Fichier : {count(len(data), 'octet').replace(' octets', '')}/" in written.err
    assert printed_path == str(output)
    assert printed_sha == hashlib.sha256(data).hexdigest() == batch.file_sha256
    assert validate_pain001(data) == []

    first = etree.fromstring(data).find(".//p:CdtTrfTxInf", _NS)
    assert first is not None
    end_to_end = first.findtext("p:PmtId/p:EndToEndId", namespaces=_NS)
    amount = first.findtext("p:Amt/p:InstdAmt", namespaces=_NS)
    assert end_to_end and amount
    notice = tmp_path / "retours.xml"
    notice.write_bytes(camt054("BANK-NTF-CLI-1", [(end_to_end, Decimal(amount), "AC04")]))
    assert main(["bank", "import", str(notice)]) == 0
    first_import = capsys.readouterr()
    assert first_import.out.rstrip("\n").split("\t")[1:] == [
        "camt.054.001.08",
        "1 retour",
        "1 rapproché",
    ]
    assert main(["bank", "import", str(notice)]) == 0
    assert "déjà importé" in capsys.readouterr().err

    with engine_scope(settings.database_url) as engine, make_session_factory(engine)() as session:
        assert len(session.scalars(select(BankFile)).all()) == 1
        downloads = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "payment_batch.downloaded")
        ).all()
    assert len(downloads) == 1

    assert main(["export", "payment-run", run_id, "-o", "paie.csv", "--user", "demo-finance"]) == 0
    reconciled = capsys.readouterr().err
    assert f"{transfers} pour {total} = sommes de contrôle des lots ({transfers}, {total})" in (
        reconciled
    )
