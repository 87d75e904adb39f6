"""Letters through the HTTP API: a dossier's decision letter, a transfer's payment notice, an
overpayment notice; PDF attachments never cached, audited, with the engine's and the payment's
figures, and no full NIR or IBAN."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from exports.letters import find_full_identifiers
from exports.wording import amount_in_words_and_figures
from remuneration.db.models import AuditEvent
from tests.api.builders import check, create_training, ready_dossier
from tests.exports.pdftext import normalise, pdf_text


def _keyed(api: Any, role: str) -> dict[str, str]:
    headers: dict[str, str] = api.headers(role, **{"Idempotency-Key": uuid.uuid4().hex})
    return headers


@pytest.fixture(scope="module")
def paid(api: Any) -> dict[str, Any]:
    """A granted dossier with three months of attendance, and the monthly run of May 2024."""
    api.clock.now = datetime(2024, 6, 15, 8, tzinfo=UTC)
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    for month in ("2024-03", "2024-04", "2024-05"):
        entries = [
            {"dossier_id": dossier["id"], "scheduled_hours": "140", "attended_hours": "133",
             "unjustified_absence_hours": "7"}
        ]  # fmt: skip
        check(
            api.client.put(
                f"/v1/trainings/{training['id']}/attendance/{month}",
                json={"entries": entries},
                headers=api.headers("instructor"),
            ),
            201,
        )
    decision = check(
        api.client.post(
            f"/v1/dossiers/{dossier['id']}/decisions", json={}, headers=api.headers("instructor")
        ),
        201,
    )
    body = {"kind": "monthly", "period": "2024-05", "execution_date": "2024-06-17"}
    run = check(api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance")), 201)
    payments = check(
        api.client.get(f"/v1/payments?dossier={dossier['id']}", headers=api.headers("finance")),
        200,
    )["items"]
    return {"dossier": dossier, "decision": decision, "run": run, "payment": payments[0]}


def _pdf(response: Any) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith('.pdf"')
    assert response.content.startswith(b"%PDF")
    return pdf_text(response.content)


def _private(text: str, dossier: dict[str, Any]) -> None:
    assert find_full_identifiers(text) == []
    assert dossier["nir"] not in text and dossier["iban"] not in text


@pytest.mark.parametrize("role", ["instructor", "supervisor", "relation_usagers"])
def test_the_decision_letter_of_a_dossier(api: Any, paid: dict[str, Any], role: str) -> None:
    dossier, decision = paid["dossier"], paid["decision"]
    response = api.client.get(
        f"/v1/dossiers/{dossier['id']}/letters/decision", headers=api.headers(role)
    )
    text = _pdf(response)
    assert f"decision-{decision['id']}.pdf" in response.headers["content-disposition"]
    assert "Votre demande de rémunération est acceptée" in text
    total = normalise(amount_in_words_and_figures(Decimal(decision["result"]["total"])))
    assert f"Total : {total}." in text
    assert "recours contentieux" in text and "Télérecours" in text
    _private(text, dossier)
    with api.session() as session:
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "letter.downloaded", AuditEvent.actor_role == role)
            .order_by(AuditEvent.occurred_at.desc())
        ).first()
    assert event is not None and event.entity_id == decision["id"]
    assert event.after and event.after["sha256"] == response.headers["x-content-sha256"]


def test_the_payment_notice_of_a_transfer(api: Any, paid: dict[str, Any]) -> None:
    payment = paid["payment"]
    for role in ("finance", "relation_usagers", "instructor"):
        text = _pdf(
            api.client.get(f"/v1/payments/{payment['id']}/notice", headers=api.headers(role))
        )
        amount = normalise(amount_in_words_and_figures(Decimal(payment["amount"])))
        assert f"Total du virement : {amount}." in text
        assert payment["iban_masked"] in text and "Annexe : le détail du calcul" in text
        assert "Le calcul :" not in text and "en vigueur depuis" not in text
        _private(text, paid["dossier"])


def test_what_has_no_letter_is_answered_plainly(api: Any, paid: dict[str, Any]) -> None:
    dossier_id = paid["dossier"]["id"]
    no_overpayment = api.client.get(
        f"/v1/dossiers/{dossier_id}/letters/overpayment", headers=api.headers("instructor")
    )
    assert (
        no_overpayment.status_code == 404 and no_overpayment.json()["code"] == "letter_unavailable"
    )
    assert "trop-perçu" in no_overpayment.json()["detail"]
    unknown = api.client.get(f"/v1/payments/{uuid.uuid4()}/notice", headers=api.headers("finance"))
    assert unknown.status_code == 404
    other = api.client.get(
        f"/v1/dossiers/{uuid.uuid4()}/letters/decision", headers=api.headers("instructor")
    )
    assert other.status_code == 404
    bad_kind = api.client.get(
        f"/v1/dossiers/{dossier_id}/letters/bonus", headers=api.headers("instructor")
    )
    assert bad_kind.status_code == 422
    finance = api.client.get(
        f"/v1/dossiers/{dossier_id}/letters/decision", headers=api.headers("finance")
    )
    assert finance.status_code == 403
