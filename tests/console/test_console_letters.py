"""Finance produces the letters of a payment run in bulk from the run's page: one ZIP of PDFs
with the manifest, audited; other roles are refused."""

from __future__ import annotations

import io
import json
import re
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from remuneration.db.models import AuditEvent
from tests.console.conftest import DemoConsole
from tests.console.support import csrf_of


def test_finance_produces_the_letters_of_a_run(demo: DemoConsole) -> None:
    finance = demo.agent("demo-finance")
    runs = finance.get("/finance/paies")
    form = {"kind": "monthly", "period": "2026-11", "execution_date": "2026-12-02"}
    started = finance.post(
        "/finance/paies", data={**form, "csrf_token": csrf_of(runs.text)}, follow_redirects=False
    )
    assert started.status_code == 303
    run_url = started.headers["location"]
    run_id = run_url.rsplit("/", 1)[-1]
    page = finance.get(run_url)
    assert "Produire les lettres de la paie" in page.text
    letters = finance.post(f"{run_url}/lettres", data={"csrf_token": csrf_of(page.text)})
    assert letters.status_code == 200, letters.text[:500]
    assert letters.headers["content-type"] == "application/zip"
    assert (
        letters.headers["content-disposition"] == 'attachment; filename="lettres-paie-2026-11.zip"'
    )
    assert letters.headers["cache-control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(letters.content))
    names = archive.namelist()
    assert "manifest.csv" in names and "manifest.json" in names
    manifest = json.loads(archive.read("manifest.json"))
    pdfs = [name for name in names if name.endswith(".pdf")]
    assert len(pdfs) == len(manifest["letters"]) == int(letters.headers["x-letters"])
    assert pdfs, "a monthly run of the demo pays someone"
    assert all(re.fullmatch(r"[a-z-]+-[0-9a-f-]{36}\.pdf", name) for name in pdfs)  # ids only
    text = PdfReader(io.BytesIO(archive.read(pdfs[0]))).pages[0].extract_text()
    assert "€" in text
    with demo.session() as session:
        produced = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "letters.produced")
        ).all()
    assert any(event.after and event.after.get("payment_run") == run_id for event in produced)

    instructor = demo.agent("demo-instructor")
    home = instructor.get("/")
    refused = instructor.post(f"{run_url}/lettres", data={"csrf_token": csrf_of(home.text)})
    assert refused.status_code == 403
    forged = finance.post(f"{run_url}/lettres", data={"csrf_token": "faux"})
    assert forged.status_code == 403
    missing = finance.post(
        "/finance/paies/0b6f3c1e-4d7a-4c53-9a51-0f3e2f6c9d10/lettres",
        data={"csrf_token": csrf_of(page.text)},
    )
    assert missing.status_code == 404
