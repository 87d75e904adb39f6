"""Finance's day on the command line, on the demo data: the monthly run (once), the batch's
batch approved and released by two people, its pain.001 written to a file (valid, audited, the
stored bytes), a bank file imported once. The
command line works on its own embedded SQLite file under `REMU_HOME`, as on an operator's machine.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from api.composition import main
from api.settings import load_settings
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
    capsys.readouterr()

    today = date.today()
    period = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    execution = _next_target2_day(today).isoformat()
    command = ["payments", "run", "--kind", "monthly", "--period", period]
    assert main([*command, "--execution-date", execution]) == 0
    out, err = capsys.readouterr()
    run_id, transfers, total, *_ = out.strip().split("\t")
    assert "créée" in err and "dossiers traités" in err
    # French words for the person (not the stored kind), French figures: « 1 234,50 € ».
    said = re.search(
        rf"Paie {period} \(paie mensuelle\) créée : ([\d\u202f]+) virements? "
        r"pour ([\d\u202f]+,\d\d)\u00a0€\.",
        err,
    )
    assert said is not None, err
    assert int(transfers.split()[0]) > 0 and Decimal(total.split()[0]) > 0
    assert said.group(1).replace("\u202f", "").replace("\u00a0", "") == transfers.split()[0]
    assert said.group(2).replace("\u202f", "").replace(",", ".") == total.split()[0]
    assert main([*command, "--execution-date", execution]) == 0
    again, err = capsys.readouterr()
    assert again.split("\t")[0] == run_id and "déjà faite" in err

    settings = load_settings()
    with engine_scope(settings.database_url) as engine, make_session_factory(engine)() as session:
        batch = session.scalars(select(PaymentBatch)).one()
    seen = ["--transactions", str(batch.number_of_transactions)]
    seen += ["--control-sum", str(batch.control_sum)]
    # Prepared by the system account: one person approves, another releases (four eyes).
    assert main(["payments", "approve", str(batch.id), "--user", "demo-finance", *seen]) == 0
    assert main(["payments", "release", str(batch.id), "--user", "demo-finance-2", *seen]) == 0
    capsys.readouterr()
    output = tmp_path / "virements.xml"
    assert main(["payments", "file", str(batch.id), "-o", str(output)]) == 0
    printed_sha, printed_path = capsys.readouterr().out.strip().split("\t")
    data = output.read_bytes()
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
    assert "camt.054" in first_import.out and "1 retours" in first_import.out
    assert main(["bank", "import", str(notice)]) == 0
    assert "déjà importé" in capsys.readouterr().err

    with engine_scope(settings.database_url) as engine, make_session_factory(engine)() as session:
        assert len(session.scalars(select(BankFile)).all()) == 1
        downloads = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "payment_batch.downloaded")
        ).all()
    assert len(downloads) == 1
