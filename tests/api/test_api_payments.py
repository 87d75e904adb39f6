"""Payments through the HTTP API: a monthly run whose file passes the XSD and every EPC rule
with totals equal to the engine's lines; four eyes; ten concurrent releases; stable audited
downloads; a camt.054 return travelling to a re-issued transfer; pain.002 rejects; a cancelled
batch; masked bank details; an overpayment waived."""

from __future__ import annotations

import base64
import threading
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from api.settings import issue_token
from payments import file_chunks
from payments.models import Overpayment, Payment, PaymentRun
from payments.sepa import check_file, validate_pain001
from remuneration.db.models import AuditEvent, CaseRequest, Dossier
from remuneration.services.context import Role
from remuneration.services.users import create_user
from tests.api.builders import check, create_training, ready_dossier
from tests.payments.bankfiles import camt054, pain002

MONTHS = ("2024-03", "2024-04", "2024-05")


def _keyed(api: Any, role: str, key: str | None = None) -> dict[str, str]:
    headers: dict[str, str] = api.headers(role, **{"Idempotency-Key": key or uuid.uuid4().hex})
    return headers


def _entries(dossiers: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "entries": [
            {"dossier_id": d["id"], "scheduled_hours": "140", "attended_hours": "133",
             "unjustified_absence_hours": "7"}
            for d in dossiers
        ]
    }  # fmt: skip


def _engine_total(api: Any, dossier_id: str, last: str) -> Decimal:
    decision = check(
        api.client.post(
            f"/v1/dossiers/{dossier_id}/decisions", json={}, headers=api.headers("instructor")
        ),
        201,
    )
    return sum(
        (Decimal(line["amount"]) for line in decision["result"]["lines"] if line["period"] <= last),
        Decimal(0),
    )


@pytest.fixture(scope="module")
def paid(api: Any) -> dict[str, Any]:
    """Two granted dossiers with three months of attendance, and the monthly run of May."""
    api.clock.now = datetime(2024, 6, 15, 8, tzinfo=UTC)
    training = create_training(api, api.organisation_id)
    dossiers = [ready_dossier(api, training), ready_dossier(api, training, last_name="Lefèvre")]
    for month in MONTHS:
        check(
            api.client.put(
                f"/v1/trainings/{training['id']}/attendance/{month}",
                json=_entries(dossiers),
                headers=api.headers("instructor"),
            ),
            201,
        )
    totals = {d["id"]: _engine_total(api, d["id"], "2024-05") for d in dossiers}
    body = {"kind": "monthly", "period": "2024-05", "execution_date": "2024-06-17"}
    response = api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance"))
    run = check(response, 201)
    with api.session() as session, session.begin():
        user = create_user(session, name="test-finance-2", role=Role.FINANCE, now=api.clock.now)
        api.tokens["finance-2"] = issue_token(api.settings, user=user, now=api.clock.now)
    return {"run": run, "dossiers": dossiers, "totals": totals, "batch_id": run["batches"][0]["id"]}


def _download(api: Any, batch_id: str) -> Any:
    return api.client.get(f"/v1/payment-batches/{batch_id}/file", headers=api.headers("finance"))


def _stored(api: Any, batch_id: str) -> bytes:
    """The stored file of a batch not released yet (no download before release)."""
    with api.session() as session:
        return b"".join(file_chunks(session, uuid.UUID(batch_id), api.app.state.remu.protector))


def test_the_monthly_file_is_valid_and_equals_the_engine_lines(
    api: Any, paid: dict[str, Any]
) -> None:
    run = paid["run"]
    total = sum(paid["totals"].values(), Decimal(0))
    assert run["payments"] == 2 and Decimal(run["total_amount"]) == total
    batch = check(
        api.client.get(f"/v1/payment-batches/{paid['batch_id']}", headers=api.headers("finance")),
        200,
    )
    assert batch["file_header"] == {
        "message_id": batch["message_id"],
        "number_of_transactions": 2,
        "control_sum": f"{total:.2f}",
    }
    assert batch["control_sum"] == f"{total:.2f}" and batch["status"] == "prepared"
    data = _stored(api, paid["batch_id"])
    assert validate_pain001(data) == []
    assert check_file(data, today=date(2024, 6, 15)) == []
    for dossier in paid["dossiers"]:
        assert dossier["iban"].encode() in data


def test_payment_endpoints_need_an_idempotency_key_and_a_run_is_made_once(
    api: Any, paid: dict[str, Any]
) -> None:
    body = {"kind": "monthly", "period": "2024-05", "execution_date": "2024-06-17"}
    missing = api.client.post("/v1/payment-runs", json=body, headers=api.headers("finance"))
    assert missing.status_code == 400
    assert missing.json()["code"] == "idempotency_key_required"
    again = api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance"))
    assert check(again, 200)["id"] == paid["run"]["id"]
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(PaymentRun)) == 1
        assert session.scalar(select(func.count()).select_from(Payment)) == 2
    for path, valid in (
        (f"/v1/payment-batches/{paid['batch_id']}/release",
         {"number_of_transactions": 2, "control_sum": "1.00"}),
        (f"/v1/payment-batches/{paid['batch_id']}/cancellation", {"reason": "raison valable"}),
        ("/v1/bank-files", {"content_base64": "AAAA"}),
    ):  # fmt: skip
        response = api.client.post(path, json=valid, headers=api.headers("finance"))
        assert response.status_code == 400, path


def test_no_file_leaves_before_release(api: Any, paid: dict[str, Any]) -> None:
    refused = _download(api, paid["batch_id"])
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "batch_file_unavailable"
    assert "non libéré" in problem["detail"] and "quatre yeux" in problem["detail"]


def test_four_eyes_and_ten_concurrent_releases(api: Any, paid: dict[str, Any]) -> None:
    path = f"/v1/payment-batches/{paid['batch_id']}/release"
    total = sum(paid["totals"].values(), Decimal(0))
    body = {"number_of_transactions": 2, "control_sum": f"{total:.2f}"}
    own = api.client.post(path, json=body, headers=_keyed(api, "finance"))
    assert own.status_code == 403 and own.json()["code"] == "four_eyes"
    assert "quatre yeux" in own.json()["detail"]
    wrong = api.client.post(
        path, json={**body, "control_sum": "1.00"}, headers=_keyed(api, "finance-2")
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "batch_not_releasable"

    statuses: list[int] = []
    barrier = threading.Barrier(10)

    def release() -> None:
        barrier.wait(timeout=10)
        response = api.client.post(path, json=body, headers=_keyed(api, "finance-2"))
        statuses.append(response.status_code)

    threads = [threading.Thread(target=release) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] + [409] * 9
    batch = api.client.get(
        f"/v1/payment-batches/{paid['batch_id']}", headers=api.headers("finance")
    )
    assert batch.json()["status"] == "released"


def test_downloads_give_the_same_bytes_are_not_cached_and_are_audited(
    api: Any, paid: dict[str, Any]
) -> None:
    first, second = _download(api, paid["batch_id"]), _download(api, paid["batch_id"])
    assert first.status_code == second.status_code == 200  # released: the file may leave
    assert first.content == _stored(api, paid["batch_id"])
    assert first.content == second.content
    assert first.headers["cache-control"] == "no-store"
    assert first.headers["content-disposition"].startswith("attachment;")
    with api.session() as session:
        downloads = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "payment_batch.downloaded")
        )
    assert downloads is not None and downloads >= 2


def _payments(api: Any, dossier_id: str, role: str = "finance") -> list[dict[str, Any]]:
    response = api.client.get(f"/v1/payments?dossier={dossier_id}", headers=api.headers(role))
    items: list[dict[str, Any]] = check(response, 200)["items"]
    return items


def _upload(api: Any, content: bytes, name: str) -> Any:
    body = {"file_name": name, "content_base64": base64.b64encode(content).decode()}
    return api.client.post("/v1/bank-files", json=body, headers=_keyed(api, "finance"))


def _new_rib(api: Any, dossier: dict[str, Any], iban: str) -> None:
    path = f"/v1/dossiers/{dossier['id']}"
    etag = api.client.get(path, headers=api.headers("instructor")).headers["ETag"]
    holder = f"MME {dossier['trainee']['last_name'].upper()}"
    rib = {"iban": iban, "bic": "CCBPFRPP", "holder": holder, "change_reason": "compte clos"}
    recorded = api.client.put(
        f"{path}/documents/rib",
        json={**rib, "verified": False},
        headers=api.headers("relation_usagers", **{"If-Match": etag}),
    )
    check(recorded, 200)
    verified = api.client.put(
        f"{path}/documents/rib",
        json={**rib, "verified": True},
        headers=api.headers("instructor", **{"If-Match": recorded.headers["ETag"]}),
    )
    check(verified, 200)


def test_a_return_travels_from_camt054_to_a_reissued_transfer(
    api: Any, paid: dict[str, Any]
) -> None:
    first, second = paid["dossiers"]
    [returned] = _payments(api, first["id"])
    [rejected] = _payments(api, second["id"])
    camt = camt054(
        "BANK-NTF-RETURN-01", [(returned["end_to_end_id"], Decimal(returned["amount"]), "AC04")]
    )
    imported = check(_upload(api, camt, "retours.xml"), 201)
    assert imported["matched_count"] == 1 and not imported["already_imported"]
    again = check(_upload(api, camt, "retours.xml"), 200)
    assert again["already_imported"] and again["id"] == imported["id"]
    status = pain002(
        "BANK-STS-REJECT-01",
        check(
            api.client.get(
                f"/v1/payment-batches/{paid['batch_id']}", headers=api.headers("finance")
            ),
            200,
        )["message_id"],
        [(rejected["end_to_end_id"], Decimal(rejected["amount"]), "MD07")],
    )
    assert check(_upload(api, status, "rejets.xml"), 201)["matched_count"] == 1

    [now_returned] = _payments(api, first["id"])
    assert now_returned["status"] == "returned" and now_returned["return_reason_code"] == "AC04"
    assert _payments(api, second["id"])[0]["status"] == "rejected"
    with api.session() as session:
        causes = set(session.scalars(select(CaseRequest.cause_key)))
    assert f"payment_returned:payment:{returned['id']}" in causes
    assert f"payment_returned:payment:{rejected['id']}" in causes

    new_iban = "FR7610107001011234567890129"
    api.clock.now = datetime(2024, 6, 15, 9, tzinfo=UTC)
    _new_rib(api, first, new_iban)
    _new_rib(api, second, "FR7630004000031234567890143")
    api.clock.now = datetime(2024, 6, 15, 10, tzinfo=UTC)
    body = {"kind": "advance", "period": "2024-06-14", "execution_date": "2024-06-17"}
    run = check(api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance")), 201)
    assert run["reissues"] == 1  # never automatically after MD07 (deceased)
    reissued = [p for p in _payments(api, first["id"]) if p["reissue_of"] == returned["id"]]
    assert len(reissued) == 1
    [new] = reissued
    assert new["end_to_end_id"] != returned["end_to_end_id"]
    assert new["amount"] == returned["amount"] and new["iban"] == new_iban
    assert new["iban_recently_changed"]
    assert len(_payments(api, second["id"])) == 1

    batch = check(
        api.client.get(f"/v1/payment-batches/{new['batch_id']}", headers=api.headers("finance")),
        200,
    )
    assert [flag["payment_id"] for flag in batch["iban_change_flags"]] == [new["id"]]
    with api.session() as session:
        assert session.scalar(
            select(CaseRequest).where(
                CaseRequest.cause_key == f"bank_details_change:dossier:{first['id']}"
            )
        )
    paid["reissue_batch_id"] = new["batch_id"]


def test_a_cancelled_batch_is_replaced_by_new_transfers(api: Any, paid: dict[str, Any]) -> None:
    batch_id = paid["reissue_batch_id"]
    path = f"/v1/payment-batches/{batch_id}/cancellation"
    short = api.client.post(path, json={"reason": "x"}, headers=_keyed(api, "finance"))
    assert short.status_code == 422
    body = {"reason": "Date d'exécution à décaler", "execution_date": "2024-06-19"}
    api.clock.now = datetime(2024, 6, 15, 11, tzinfo=UTC)
    replacement = check(api.client.post(path, json=body, headers=_keyed(api, "finance")), 201)
    assert replacement["replaces_batch_id"] == batch_id
    assert replacement["execution_date"] == "2024-06-19" and replacement["status"] == "prepared"
    old = check(
        api.client.get(f"/v1/payment-batches/{batch_id}", headers=api.headers("finance")), 200
    )
    assert old["status"] == "cancelled" and old["cancellation_reason"] == body["reason"]
    again = api.client.post(path, json=body, headers=_keyed(api, "finance"))
    assert again.status_code == 409
    data = _stored(api, replacement["id"])
    assert validate_pain001(data) == [] and check_file(data, today=date(2024, 6, 15)) == []
    assert _stored(api, batch_id) != data
    cancelled = _download(api, batch_id)
    assert cancelled.status_code == 409 and "annulé" in cancelled.json()["detail"]
    assert _download(api, replacement["id"]).status_code == 409  # not released yet


def test_bank_details_are_masked_except_for_finance(api: Any, paid: dict[str, Any]) -> None:
    dossier = paid["dossiers"][0]
    for role in ("instructor", "relation_usagers", "supervisor"):
        for item in _payments(api, dossier["id"], role):
            assert "iban" not in item and "****" in item["iban_masked"]
    assert all(item["iban"] for item in _payments(api, dossier["id"], "finance"))
    assert api.client.get("/v1/payments", headers=api.headers("organisation")).status_code == 403


def test_an_overpayment_is_listed_and_waived_by_a_supervisor(
    api: Any, paid: dict[str, Any]
) -> None:
    dossier_id = uuid.UUID(paid["dossiers"][0]["id"])
    with api.session() as session, session.begin():
        dossier = session.get_one(Dossier, dossier_id)
        overpayment = Overpayment(
            id=uuid.uuid4(),
            trainee_id=dossier.trainee_id,
            dossier_id=dossier.id,
            origin_run_id=uuid.UUID(paid["run"]["id"]),
            amount=Decimal("120.50"),
            remaining=Decimal("120.50"),
            status="recovery_order",
            version=1,
            created_at=api.clock.now,
        )
        session.add(overpayment)
    listed = check(api.client.get("/v1/overpayments", headers=api.headers("finance")), 200)
    assert [item["remaining"] for item in listed["items"]] == ["120.50"]
    path = f"/v1/overpayments/{overpayment.id}/waiver"
    body = {"reason": "Remise gracieuse : situation de surendettement."}
    assert api.client.post(path, json=body, headers=api.headers("finance")).status_code == 403
    waived = check(api.client.post(path, json=body, headers=api.headers("supervisor")), 200)
    assert waived["status"] == "waived" and waived["waiver_reason"] == body["reason"]
    assert waived["waived_by"] is not None and waived["waived_at"] is not None
    again = api.client.post(path, json=body, headers=api.headers("supervisor"))
    assert again.status_code == 409
