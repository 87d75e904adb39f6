"""Finance exports through the HTTP API and the command line: a run and a month as CSV (French
Excel profile) and XLSX, the summary and its reconciliation, the recovery orders, a tampered
batch refused; letters in bulk with their manifest."""

from __future__ import annotations

import csv
import html
import io
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from api.composition import main
from api.settings import issue_token
from payments.models import PaymentBatch
from payments.vocabulary import (
    OVERPAYMENT_STATUS_LABELS,
    PAYMENT_STATUS_LABELS,
    OverpaymentStatus,
    PaymentStatus,
)
from remuneration.db.models import AuditEvent, User
from remuneration.domain.vocabulary import LINE_KIND_LABELS
from remuneration.services.passwords import set_password
from rules.decisions import LineKind
from tests.api.builders import check, create_training, ready_dossier
from tests.console.support import sign_in
from tests.dbsupport import client_class
from tests.exports.pdftext import pdf_text


def _keyed(api: Any, role: str) -> dict[str, str]:
    headers: dict[str, str] = api.headers(role, **{"Idempotency-Key": uuid.uuid4().hex})
    return headers


def _attendance(api: Any, training_id: str, month: str, dossiers: list[dict[str, Any]]) -> None:
    entries = [
        {"dossier_id": d["id"], "scheduled_hours": "140", "attended_hours": "140"} for d in dossiers
    ]
    check(
        api.client.put(
            f"/v1/trainings/{training_id}/attendance/{month}",
            json={"entries": entries},
            headers=api.headers("instructor"),
        ),
        201,
    )


def _tokens_at(api: Any, now: datetime) -> None:
    """Move the clock and give the test users tokens valid at that moment."""
    api.clock.now = now
    with api.session() as session:
        for role in ("finance", "instructor"):
            user = session.scalar(select(User).where(User.name == f"test-{role}"))
            assert user is not None
            api.tokens[role] = issue_token(api.settings, user=user, now=now)


def _run(api: Any, period: str, execution: str) -> Any:
    body = {"kind": "monthly", "period": period, "execution_date": execution}
    return check(
        api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance")), 201
    )


@pytest.fixture(scope="module")
def runs(api: Any) -> dict[str, Any]:
    """Two trainees paid in May 2024; one abandons in June: an overpayment, at once a recovery
    order."""
    api.clock.now = datetime(2024, 6, 15, 8, tzinfo=UTC)
    training = create_training(api, api.organisation_id)
    staying = ready_dossier(api, training)
    leaving = ready_dossier(api, training, last_name="@Lefèvre")
    for month in ("2024-03", "2024-04", "2024-05"):
        _attendance(api, training["id"], month, [staying, leaving])
    for dossier in (staying, leaving):
        check(
            api.client.post(
                f"/v1/dossiers/{dossier['id']}/decisions",
                json={},
                headers=api.headers("instructor"),
            ),
            201,
        )
    may = _run(api, "2024-05", "2024-06-17")
    _tokens_at(api, datetime(2024, 7, 2, 8, tzinfo=UTC))
    _attendance(api, training["id"], "2024-06", [staying, leaving])
    path = f"/v1/dossiers/{leaving['id']}"
    etag = api.client.get(path, headers=api.headers("instructor")).headers["ETag"]
    check(
        api.client.post(
            f"{path}/exit",
            json={"date": "2024-06-05", "reason": "abandonment"},
            headers=api.headers("instructor", **{"If-Match": etag}),
        ),
        201,
    )
    check(api.client.post(f"{path}/decisions", json={}, headers=api.headers("instructor")), 201)
    june = _run(api, "2024-06", "2024-07-04")
    return {"may": may, "june": june, "staying": staying, "leaving": leaving}


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_a_run_as_csv_and_xlsx_equals_its_batch(api: Any, runs: dict[str, Any]) -> None:
    may = runs["may"]
    path = f"/v1/exports/payment-runs/{may['id']}"
    response = api.client.get(path, headers=api.headers("finance"))
    rows = _csv(response)
    body, total = rows[:-1], rows[-1]
    assert response.headers["x-reconciliation"] == "ok"
    assert response.headers["x-batches-control-sum"] == may["batches"][0]["control_sum"]
    assert f'filename="paie-{may["id"]}.csv"' in response.headers["content-disposition"]
    assert _amount(total["Montant (€)"]) == Decimal(may["total_amount"])
    assert sum((_amount(r["Montant (€)"]) for r in body), Decimal(0)) == Decimal(
        may["total_amount"]
    )
    assert any(r["Stagiaire"].startswith("'@Lefèvre") for r in body)
    text = response.content.decode("utf-8-sig")
    for dossier in (runs["staying"], runs["leaving"]):
        assert dossier["iban"] not in text and dossier["nir"] not in text

    xlsx = api.client.get(f"{path}?format=xlsx", headers=api.headers("finance"))
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    table = list(load_workbook(io.BytesIO(xlsx.content))["Paie"].iter_rows(values_only=True))
    assert table[0][0] == "Paie" and len(table) == len(rows) + 1
    assert Decimal(str(table[-1][8])) == Decimal(may["total_amount"])
    with api.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.downloaded")
        ).all()
    assert {e.after["format"] for e in events if e.after} >= {"csv", "xlsx"}


def test_the_month_summary_reconciles_and_says_so(api: Any, runs: dict[str, Any]) -> None:
    june = runs["june"]
    rows = _csv(
        api.client.get("/v1/exports/periods/2024-06/summary", headers=api.headers("finance"))
    )
    control = {r["Nature"]: r for r in rows if r["Rubrique"] == "Contrôle"}
    assert "Rapprochement : conforme" in control
    assert _amount(control["Sommes de contrôle des lots (CtrlSum)"]["Montant (€)"]) == Decimal(
        june["total_amount"]
    )
    assert _amount(control["Écart lignes − lots"]["Montant (€)"]) == 0
    [total] = [r for r in rows if r["Rubrique"] == "Total"]
    assert _amount(total["Montant (€)"]) == Decimal(june["total_amount"])
    assert {r["Programme"] for r in rows if r["Rubrique"] == "Synthèse"} == {"QUALIF"}

    report = check(
        api.client.get(
            "/v1/exports/periods/2024-06/reconciliation", headers=api.headers("finance")
        ),
        200,
    )
    assert report["reconciled"] and report["problems"] == [] and report["runs"] == 1
    assert report["transfers_total"] == report["batches_total"] == june["total_amount"]
    assert Decimal(report["carried_total"]) > 0
    detail = _csv(api.client.get("/v1/exports/periods/2024-06", headers=api.headers("finance")))
    assert "Solde négatif reporté (trop-perçu)" in {r["Nature"] for r in detail}


def test_recovery_orders_for_finance(api: Any, runs: dict[str, Any]) -> None:
    rows = _csv(api.client.get("/v1/exports/recovery-orders", headers=api.headers("finance")))
    [order, total] = rows
    assert order["Ordre de reversement"].startswith("OR-2024-06-")
    assert order["Débiteur"].startswith("'@Lefèvre") and order["Dossier"] == runs["leaving"]["id"]
    assert order["Motif"] == "Sortie de formation le 05/06/2024 (abandon sans motif légitime)"
    assert (
        order["Statut"] == "Ordre de reversement émis, à recouvrer"
        and total["Ordre de reversement"] == "Total"
    )
    waived = _csv(
        api.client.get("/v1/exports/recovery-orders?status=waived", headers=api.headers("finance"))
    )
    assert [r["Ordre de reversement"] for r in waived] == ["Total"]


def test_bad_requests_are_answered_plainly(api: Any, runs: dict[str, Any]) -> None:
    finance = api.headers("finance")
    assert api.client.get("/v1/exports/periods/2023-01/summary", headers=finance).status_code == 404
    assert api.client.get("/v1/exports/periods/2024-13/summary", headers=finance).status_code == 422
    unknown = api.client.get(f"/v1/exports/payment-runs/{uuid.uuid4()}", headers=finance)
    assert unknown.status_code == 404
    wrong_format = api.client.get(
        f"/v1/exports/payment-runs/{runs['may']['id']}?format=pdf", headers=finance
    )
    assert wrong_format.status_code == 422


def _console_agent(api: Any, name: str) -> Any:
    """A browser on the same application, signed in to the console as the test user ``name``."""
    password = f"mot-de-passe-console-{name}"
    with api.session() as session, session.begin():
        user = session.scalars(select(User).where(User.name == name)).one()
        set_password(session, user=user, password=password, now=api.clock.now)
    browser = client_class()(api.app, base_url="https://testserver", raise_server_exceptions=False)
    assert sign_in(browser, name, password).status_code == 303
    return browser


def test_one_status_and_one_line_kind_read_the_same_in_the_console_exports_and_letters(
    api: Any, runs: dict[str, Any]
) -> None:
    """The leaving trainee's overpayment, claimed by a recovery order, and the remuneration
    lines it comes from: the console's pages, the finance exports and the letter use the same
    words, those of the vocabularies (never a second wording, never the code)."""
    claimed = OVERPAYMENT_STATUS_LABELS[OverpaymentStatus.RECOVERY_ORDER]
    remuneration = LINE_KIND_LABELS[LineKind.REMUNERATION]
    finance = api.headers("finance")

    [order, _total] = _csv(api.client.get("/v1/exports/recovery-orders", headers=finance))
    assert order["Statut"] == claimed
    summary = _csv(api.client.get("/v1/exports/periods/2024-06/summary", headers=finance))
    states = {r["Nature"]: r for r in summary if r["Rubrique"] == "États"}
    [carried] = [words for words in states if words.startswith("Trop-perçu reporté")
                 and _amount(states[words]["Montant (€)"]) > 0]  # fmt: skip
    assert carried.endswith(claimed[0].lower() + claimed[1:])
    detail = _csv(api.client.get("/v1/exports/periods/2024-05", headers=finance))
    assert remuneration in {r["Nature"] for r in detail}
    prepared = PAYMENT_STATUS_LABELS[PaymentStatus.PREPARED]
    assert {r["Statut du virement"] for r in detail} == {prepared, ""}  # "": the total row

    supervisor = _console_agent(api, "test-supervisor")
    overpayments = html.unescape(supervisor.get("/finance/indus").text)
    assert claimed in overpayments
    leaving = runs["leaving"]["id"]
    payments_tab = supervisor.get(f"/dossiers/{leaving}?onglet=paiements")
    assert payments_tab.status_code == 200
    assert claimed in html.unescape(payments_tab.text)
    assert prepared in html.unescape(payments_tab.text)
    calculation = html.unescape(supervisor.get(f"/dossiers/{leaving}?onglet=calcul").text)
    assert f"<td>{remuneration}</td>" in calculation

    letter = api.client.get(
        f"/v1/dossiers/{leaving}/letters/overpayment", headers=api.headers("instructor")
    )
    assert letter.status_code == 200, letter.text
    assert f", {remuneration.lower()} : " in pdf_text(letter.content)
    for code in (OverpaymentStatus.RECOVERY_ORDER.value, LineKind.REMUNERATION.value):
        assert f">{code}<" not in overpayments + calculation


def _environment(api: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = api.settings
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REMU_JWT_SECRET", settings.jwt_secret.get_secret_value())
    monkeypatch.setenv("REMU_DATA_KEY", settings.data_key.get_secret_value())


def test_the_command_line_writes_the_same_files_and_the_letters(
    api: Any,
    runs: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _environment(api, monkeypatch, tmp_path)
    june = runs["june"]["id"]
    assert main(["export", "payment-run", june, "-o", "juin.csv", "--user", "test-finance"]) == 0
    http = api.client.get(f"/v1/exports/payment-runs/{june}", headers=api.headers("finance"))
    assert (tmp_path / "juin.csv").read_bytes() == http.content
    assert main(["export", "summary", "--period", "2024-06", "--format", "xlsx"]) == 0
    assert (tmp_path / "synthese-2024-06.xlsx").exists()
    assert main(["export", "recovery-orders", "-o", "ordres.csv"]) == 0
    assert "Rapprochement conforme" in capsys.readouterr().err
    assert main(["export", "period", "--period", "2024-6"]) == 2
    assert "AAAA-MM" in capsys.readouterr().err
    assert main(["export", "payment-run", june, "--user", "test-instructor"]) == 2

    assert main(["letters", "run", "--payment-run", june, "-o", "lettres"]) == 0
    captured = capsys.readouterr()
    assert "Lettres : " in captured.err
    manifest = json.loads((tmp_path / "lettres" / "manifest.json").read_text(encoding="utf-8"))
    kinds = sorted(entry["kind"] for entry in manifest["letters"])
    assert kinds == ["overpayment_notice", "payment_notice"]
    assert manifest["source"] == {"payment_run": june}
    # Letters a trainee understands: no source, in-force date or note meant for the Region
    # anywhere, and the calculation on its annex page.
    for pdf in (tmp_path / "lettres").glob("*.pdf"):
        text = pdf_text(pdf.read_bytes())
        for internal in ("ypothèse", "en vigueur depuis", "à confirmer", "titre de recette"):
            assert internal not in text, (pdf.name, internal)
        assert "Annexe : le détail du calcul" in text
    assert main(["letters", "run", "--decisions-since", "2024-01-01", "-o", "decisions"]) == 0
    assert len(list((tmp_path / "decisions").glob("decision-*.pdf"))) >= 2

    with api.session() as session, session.begin():
        session.execute(
            update(PaymentBatch)
            .where(PaymentBatch.run_id == uuid.UUID(june))
            .values(control_sum=PaymentBatch.control_sum + Decimal("0.01"))
        )
    assert main(["export", "payment-run", june, "-o", "faux.csv"]) == 2
    assert "Écart" in capsys.readouterr().err and not (tmp_path / "faux.csv").exists()
    refused = api.client.get(f"/v1/exports/payment-runs/{june}", headers=api.headers("finance"))
    assert refused.status_code == 409 and refused.json()["code"] == "export_not_reconciled"
    assert refused.json()["errors"][0]["path"] == "reconciliation"
    report = check(
        api.client.get(
            "/v1/exports/periods/2024-06/reconciliation", headers=api.headers("finance")
        ),
        200,
    )
    assert not report["reconciled"] and report["problems"]
