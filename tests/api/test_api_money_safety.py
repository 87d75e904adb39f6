"""Money safety as finance lives it, on `remu demo`'s data, through the real doors.

Friday 4 December 2026: the scheduler's advance run (prepared by the system account), then the
monthly run of November over HTTP; the advance run caused no recovery order. The system's
batch needs two persons on the command line (`remu payments approve|release --user`,
`remu payments list`). The bank rejects the November file as a whole (pain.002.001.10,
GrpSts=RJCT, FF01): no RIB blocked, one case for finance, a corrected batch released by a
second person pays every trainee exactly once, and the month still reconciles, with its
euros in their states.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from api.cli.main import load_demo_data
from api.composition import main
from api.settings import issue_token, parameter_store, payer_account
from exports.wording import amount_in_figures
from payments.jobs import advance_run_job
from payments.models import (
    BankDetailsBlock,
    Overpayment,
    Payment,
    PaymentBatch,
    PaymentLine,
    PaymentRun,
)
from payments.outstanding import money_owed
from payments.sepa import validate_pain001
from remuneration.db.models import CaseRequest, Dossier, Exit, Training, User
from remuneration.db.session import make_session_factory
from remuneration.services.context import Role
from remuneration.services.protection import FieldProtector, decode_master_key
from remuneration.services.users import create_user
from tests.api.builders import check
from tests.payments.bankfiles import pain002_group

pytestmark = pytest.mark.slow

NOW = datetime(2026, 12, 4, 8, tzinfo=UTC)
ADVANCE_DAY = date(2026, 12, 4)


def _keyed(api: Any, role: str) -> dict[str, str]:
    headers: dict[str, str] = api.headers(role, **{"Idempotency-Key": uuid.uuid4().hex})
    return headers


@pytest.fixture(scope="module")
def demo(api: Any) -> dict[str, Any]:
    """The demo loaded on 4 December 2026, and a second finance officer."""
    api.clock.now = NOW
    load_demo_data(api.settings, trainees=150, seed=2024, now=NOW)
    with api.session() as session, session.begin():
        for name in ("finance-a", "finance-b"):
            user = create_user(session, name=name, role=Role.FINANCE, now=NOW)
            api.tokens[name] = issue_token(api.settings, user=user, now=NOW)
        for role in ("finance", "instructor", "relation_usagers"):
            user = session.scalars(select(User).where(User.name == f"test-{role}")).one()
            api.tokens[role] = issue_token(api.settings, user=user, now=NOW)
    return {}


def _cli_env(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = api.settings
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REMU_JWT_SECRET", settings.jwt_secret.get_secret_value())
    monkeypatch.setenv("REMU_DATA_KEY", settings.data_key.get_secret_value())
    monkeypatch.setenv("REMU_DOCUMENT_STORE_DIR", str(settings.document_store_dir))
    monkeypatch.setenv("REMU_LOG_JSON", "false")
    monkeypatch.setattr("api.cli.payments.system_clock", lambda: api.clock.now)


def test_the_scheduler_advance_run_pays_only_advances_still_due(api: Any, demo: Any) -> None:
    protector = FieldProtector(decode_master_key(api.settings.data_key.get_secret_value()))
    with make_session_factory(api.engine).begin() as session:
        outcome = advance_run_job(
            session, today=ADVANCE_DAY, now=NOW, payer=payer_account(api.settings),
            parameters=parameter_store(), protector=protector,
        )  # fmt: skip
    assert outcome["created"] == 1 and outcome["payments"] > 0
    with api.session() as session:
        [run] = session.scalars(select(PaymentRun).where(PaymentRun.kind == "advance")).all()
        rows = session.execute(
            select(Training.start_date, Training.end_date, Exit.exit_date, PaymentLine.kind)
            .select_from(PaymentLine)
            .join(Dossier, Dossier.id == PaymentLine.dossier_id)
            .join(Training, Training.id == Dossier.training_id)
            .outerjoin(Exit, Exit.dossier_id == Dossier.id)
            .where(PaymentLine.run_id == run.id)
        ).all()
    assert rows and all(kind == "advance" for *_, kind in rows)
    assert all(
        start <= ADVANCE_DAY <= end and exit_date is None for start, end, exit_date, _ in rows
    )
    with make_session_factory(api.engine).begin() as session:  # a holiday: nothing, no run
        christmas = advance_run_job(
            session, today=date(2026, 12, 25), now=NOW, payer=payer_account(api.settings),
            parameters=parameter_store(), protector=protector,
        )  # fmt: skip
    assert christmas == {"created": 0, "payments": 0, "not_a_business_day": 1}


def test_the_monthly_run_after_it_makes_no_recovery_order_for_those_advances(
    api: Any, demo: Any
) -> None:
    body = {"kind": "monthly", "period": "2026-11", "execution_date": "2026-12-08"}
    run = check(api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance")), 201)
    with api.session() as session:
        advanced = set(
            session.scalars(
                select(PaymentLine.dossier_id)
                .join(PaymentRun, PaymentRun.id == PaymentLine.run_id)
                .where(PaymentRun.kind == "advance")
            )
        )
        overpayments = session.scalars(
            select(Overpayment).where(Overpayment.dossier_id.in_(advanced))
        ).all()
        recovered = session.scalars(
            select(PaymentLine).where(
                PaymentLine.run_id == uuid.UUID(run["id"]),
                PaymentLine.dossier_id.in_(advanced),
                PaymentLine.kind == "advance_recovery",
            )
        ).all()
    assert advanced and overpayments == []
    assert all(line.amount < 0 for line in recovered)  # netted with the month, never owed back
    other = api.client.post(
        "/v1/payment-runs",
        json={**body, "execution_date": "2026-12-09"},
        headers=_keyed(api, "finance"),
    )
    assert other.status_code == 409 and other.json()["code"] == "payment_run_conflict"
    assert "08/12/2026" in other.json()["detail"] and "09/12/2026" in other.json()["detail"]


def test_the_system_batch_needs_two_persons_on_the_command_line(
    api: Any, demo: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(api, monkeypatch)
    with api.session() as session:
        batch = session.scalar(
            select(PaymentBatch)
            .join(PaymentRun, PaymentRun.id == PaymentBatch.run_id)
            .where(PaymentRun.kind == "advance")
        )
        assert batch is not None
    totals = ["--transactions", str(batch.number_of_transactions),
              "--control-sum", f"{batch.control_sum:.2f}"]  # fmt: skip
    ident = str(batch.id)
    assert main(["payments", "release", ident, "--user", "finance-a", *totals]) == 2
    assert "approuver" in capsys.readouterr().err
    assert main(["payments", "approve", ident, "--user", "finance-a", *totals]) == 0
    assert main(["payments", "release", ident, "--user", "finance-a", *totals]) == 2
    assert "quatre yeux" in capsys.readouterr().err
    assert main(["payments", "release", ident, "--user", "finance-b", *totals]) == 0
    capsys.readouterr()
    assert main(["payments", "list", "--user", "finance-a"]) == 0
    listing = capsys.readouterr().out
    line = next(row for row in listing.splitlines() if row.startswith(ident))
    assert "\tLibéré\t" in line and "remu-payments\tfinance-a\tfinance-b" in line
    assert f"\t{amount_in_figures(batch.control_sum)}\t" in line and "released" not in listing
    run_line = next(row for row in listing.splitlines() if "\tAvances\t04/12/2026\t" in row)
    assert "\tTerminée\t" in run_line
    assert main(["payments", "list", "--user", "finance-a", "--json"]) == 0
    scripted = json.loads(capsys.readouterr().out)
    [entry] = [b for b in scripted["batches"] if b["id"] == ident]
    assert entry["status"] == "released" and entry["control_sum"] == f"{batch.control_sum:.2f}"
    assert (entry["prepared_by"], entry["approved_by"], entry["released_by"]) == (
        "remu-payments",
        "finance-a",
        "finance-b",
    )
    assert {(r["kind"], r["status"]) for r in scripted["runs"]} >= {("advance", "completed")}
    listed = check(api.client.get("/v1/payment-batches", headers=api.headers("finance")), 200)
    [item] = [b for b in listed["items"] if b["id"] == ident]
    assert item["needs_approval"] and item["status"] == "released"
    runs = check(api.client.get("/v1/payment-runs", headers=api.headers("finance")), 200)
    assert {(r["kind"], r["period"]) for r in runs["items"]} == {
        ("advance", "2026-12-04"),
        ("monthly", "2026-11"),
    }


def _monthly_batch(api: Any) -> dict[str, Any]:
    listed = check(
        api.client.get("/v1/payment-batches?status=prepared", headers=api.headers("finance")), 200
    )
    [batch] = listed["items"]
    return dict(batch)


def _upload(api: Any, content: bytes) -> Any:
    body = {"file_name": "statut.xml", "content_base64": base64.b64encode(content).decode()}
    return check(api.client.post("/v1/bank-files", json=body, headers=_keyed(api, "finance")), 201)


def _release(api: Any, batch: dict[str, Any], role: str) -> Any:
    body = {"number_of_transactions": batch["number_of_transactions"],
            "control_sum": batch["control_sum"]}  # fmt: skip
    path = f"/v1/payment-batches/{batch['id']}/release"
    return api.client.post(path, json=body, headers=_keyed(api, role))


def test_a_rejected_file_is_corrected_and_pays_every_trainee_once(api: Any, demo: Any) -> None:
    batch = _monthly_batch(api)
    file_path = f"/v1/payment-batches/{batch['id']}/file"
    assert api.client.get(file_path, headers=api.headers("finance")).status_code == 409
    check(_release(api, batch, "finance-a"), 200)
    with api.session() as session:
        before = {
            p.id: (p.trainee_id, p.amount)
            for p in session.scalars(
                select(Payment).where(Payment.batch_id == uuid.UUID(batch["id"]))
            )
        }
    rejected = pain002_group(
        "BANK-RJCT-DEMO", batch["message_id"], group_status="RJCT", code="FF01", version="10"
    )
    imported = _upload(api, rejected)
    assert imported["message_name"] == "pain.002.001.10" and imported["matched_count"] == 1
    with api.session() as session:
        payments = session.scalars(
            select(Payment).where(Payment.batch_id == uuid.UUID(batch["id"]))
        ).all()
        assert {p.status for p in payments} == {"to_pay"}
        assert session.scalars(select(BankDetailsBlock)).all() == []
        cases = Counter(session.scalars(select(CaseRequest.category)))
    assert cases["bank_file"] == 1 and cases["payment_returned"] == 0
    assert api.client.get(file_path, headers=api.headers("finance")).status_code == 409

    corrected = check(
        api.client.post(
            f"/v1/payment-batches/{batch['id']}/correction",
            json={"execution_date": "2026-12-09"},
            headers=_keyed(api, "finance-a"),
        ),
        201,
    )
    assert corrected["message_id"] != batch["message_id"]
    assert corrected["replaces_batch_id"] == batch["id"]
    assert _release(api, corrected, "finance-a").status_code == 403
    check(_release(api, corrected, "finance-b"), 200)
    data = api.client.get(
        f"/v1/payment-batches/{corrected['id']}/file", headers=api.headers("finance")
    )
    assert data.status_code == 200 and validate_pain001(data.content) == []
    accepted = pain002_group("BANK-ACSC-DEMO", corrected["message_id"], group_status="ACSC")
    assert _upload(api, accepted)["returns_count"] == 0

    with api.session() as session:
        live = session.scalars(
            select(Payment).where(
                Payment.run_id == uuid.UUID(corrected["run_id"]), Payment.status != "cancelled"
            )
        ).all()
    per_trainee = Counter(p.trainee_id for p in live)
    assert per_trainee == Counter({trainee: 1 for trainee, _ in before.values()})
    assert {p.status for p in live} == {"released"}
    assert sum((p.amount for p in live), Decimal(0)) == sum(
        (amount for _, amount in before.values()), Decimal(0)
    )
    check_ = check(
        api.client.get(
            "/v1/exports/periods/2026-11/reconciliation", headers=api.headers("finance")
        ),
        200,
    )
    assert check_["reconciled"], check_["problems"]
    states = {s["state"]: s for s in check_["states"]}
    assert Decimal(states["paid"]["amount"]) == Decimal(check_["batches_total"])
    assert states["held"]["count"] == 0


def _put_rib(api: Any, dossier_id: uuid.UUID, role: str, *, verified: bool) -> Any:
    path = f"/v1/dossiers/{dossier_id}"
    etag = api.client.get(path, headers=api.headers("instructor")).headers["ETag"]
    rib = {"iban": "FR7610107001011234567890129", "bic": "CCBPFRPP", "holder": "MME NOUVEAU",
           "change_reason": "compte clôturé, nouveau RIB", "verified": verified}  # fmt: skip
    return api.client.put(
        f"{path}/documents/rib", json=rib, headers=api.headers(role, **{"If-Match": etag})
    )


def test_a_closed_dossier_still_paid_takes_a_new_rib_and_a_settled_one_does_not(
    api: Any, demo: Any
) -> None:
    with api.session() as session:
        closed = session.scalars(
            select(Dossier.id).where(Dossier.status == "closed").order_by(Dossier.id)
        ).all()
        owed = [d for d in closed if money_owed(session, d)]
        settled = [d for d in closed if not money_owed(session, d)]
    assert owed and settled  # the demo has both: trainings running into 2027, and finished
    recorded = _put_rib(api, owed[0], "relation_usagers", verified=False)
    assert recorded.status_code == 200, recorded.text
    verified = check(_put_rib(api, owed[0], "instructor", verified=True), 200)
    assert verified["verification_status"] == "verified"
    with api.session() as session:
        dossier = session.get_one(Dossier, owed[0])
        assert dossier.status == "closed"  # the decision is not reopened
    refused = _put_rib(api, settled[0], "instructor", verified=True)
    assert refused.status_code == 409
    assert "clos" in refused.json()["detail"] and "RIB" in refused.json()["detail"]
