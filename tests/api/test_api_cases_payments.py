"""A transfer returned by the bank (camt.054 imported by finance) opens one high-priority case,
and the case shows the trainee's payments with the bank data masked."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from api.settings import issue_token
from exports.letters import find_full_identifiers
from remuneration.cases.services import run_case_jobs
from remuneration.services.context import Role
from remuneration.services.users import create_user
from tests.api.builders import check, create_training, ready_dossier
from tests.exports.pdftext import pdf_text
from tests.payments.bankfiles import camt054


def _keyed(api: Any, role: str) -> dict[str, str]:
    headers: dict[str, str] = api.headers(role, **{"Idempotency-Key": uuid.uuid4().hex})
    return headers


def test_a_returned_transfer_becomes_one_high_priority_case(api: Any) -> None:
    api.clock.now = datetime(2024, 6, 15, 8, tzinfo=UTC)
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training, last_name="Retour")
    for month in ("2024-03", "2024-04", "2024-05"):
        entries = [
            {
                "dossier_id": dossier["id"],
                "scheduled_hours": "140",
                "attended_hours": "140",
            }
        ]
        check(
            api.client.put(
                f"/v1/trainings/{training['id']}/attendance/{month}",
                json={"entries": entries},
                headers=api.headers("instructor"),
            ),
            201,
        )
    check(
        api.client.post(
            f"/v1/dossiers/{dossier['id']}/decisions", json={}, headers=api.headers("instructor")
        ),
        201,
    )
    body = {"kind": "monthly", "period": "2024-05", "execution_date": "2024-06-17"}
    run = check(api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance")), 201)
    [batch] = run["batches"]
    with api.session() as session, session.begin():
        releaser = create_user(
            session, name="cases-finance-2", role=Role.FINANCE, now=api.clock.now
        )
        token = issue_token(api.settings, user=releaser, now=api.clock.now)
    release = {
        "number_of_transactions": batch["number_of_transactions"],
        "control_sum": batch["control_sum"],
    }
    check(
        api.client.post(
            f"/v1/payment-batches/{batch['id']}/release",
            json=release,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        ),
        200,
    )
    [payment] = check(
        api.client.get(f"/v1/payments?dossier={dossier['id']}", headers=api.headers("finance")),
        200,
    )["items"]
    notice = camt054(
        "BANK-NTF-CASES-01", [(payment["end_to_end_id"], Decimal(payment["amount"]), "AC04")]
    )
    upload = {"file_name": "retours.xml", "content_base64": base64.b64encode(notice).decode()}
    imported = check(
        api.client.post("/v1/bank-files", json=upload, headers=_keyed(api, "finance")), 201
    )
    assert imported["matched_count"] == 1, imported

    with api.session() as session, session.begin():
        report = run_case_jobs(session, now=datetime(2024, 6, 15, 8, 5, tzinfo=UTC))
    assert report.requests.opened >= 1
    api.clock.now = datetime(2024, 6, 15, 8, 10, tzinfo=UTC)
    headers = {"Authorization": f"Bearer {api.tokens['relation_usagers']}"}
    queue = check(api.client.get("/v1/cases?category=payment_returned", headers=headers), 200)
    mine = [item for item in queue["items"] if item["trainee_id"] == dossier["trainee"]["id"]]
    assert len(mine) == 1
    assert (mine[0]["priority"], mine[0]["status"]) == ("high", "new")
    case = check(api.client.get(f"/v1/cases/{mine[0]['id']}", headers=headers), 200)
    assert case["payment_id"] == payment["id"] and case["dossier_id"] == dossier["id"]
    [shown] = [p for p in case["file"]["payments"] if p["payment_id"] == payment["id"]]
    assert shown["status"] == "returned" and shown["reason_code"] == "AC04"
    assert "*" in shown["iban"] and dossier["iban"] not in str(case)

    # The trainee gets a letter asking for a new RIB: what happened, what to do, by when.
    letter = api.client.get(f"/v1/payments/{payment['id']}/letters/new-rib", headers=headers)
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    text = pdf_text(letter.content)
    assert "Objet : Votre virement du 17 juin 2024 nous est revenu" in text
    assert "La raison donnée par la banque est : compte clôturé." in text
    assert "Envoyez-nous ce RIB avant le 15 juillet 2024" in text  # 30 days (letter_rules.yaml)
    assert "nous vous versons de nouveau la somme" in text
    assert find_full_identifiers(text) == [] and dossier["iban"] not in text
    unknown = api.client.get(f"/v1/payments/{uuid.uuid4()}/letters/new-rib", headers=headers)
    assert unknown.status_code == 404
