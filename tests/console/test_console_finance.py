"""Finance's day in the console, on the demo data: run the month, check the batch, release it
with four eyes (the total retyped), download the file, import the bank's rejects, export."""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from decimal import Decimal

from sqlalchemy import select

from api.http.console.rendering import euros
from payments.models import Overpayment, Payment, PaymentBatch, PaymentRun
from remuneration.db.models import AuditEvent, Dossier, Trainee
from remuneration.demo.loader import SECOND_FINANCE
from tests.console.conftest import DemoConsole
from tests.console.support import BATCH_LINK, csrf_of, french_euros
from tests.payments.bankfiles import pain002


def _actions(demo: DemoConsole) -> list[str]:
    with demo.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_run_release_with_four_eyes_download_import_and_export(demo: DemoConsole) -> None:
    preparer = demo.agent("demo-finance")
    page = preparer.get("/finance/paies")
    assert page.status_code == 200
    form = {
        "csrf_token": csrf_of(page.text),
        "kind": "monthly",
        "period": "2026-11",
        "execution_date": "2026-12-02",
    }
    started = preparer.post("/finance/paies", data=form, follow_redirects=False)
    assert started.status_code == 303, started.text
    run_page = preparer.get(started.headers["location"])
    assert "Paie mensuelle de novembre 2026" in run_page.text
    found = BATCH_LINK.search(run_page.text)
    assert found, run_page.text
    batch_id = uuid.UUID(found.group(1))
    again = preparer.post("/finance/paies", data=form, follow_redirects=False)
    assert again.headers["location"] == started.headers["location"]  # a run is made once

    batch_page = preparer.get(f"/finance/lots/{batch_id}")
    assert "Vous avez préparé ce lot" in batch_page.text
    assert "Préparé, à libérer" in batch_page.text
    with demo.session() as session:
        batch = session.get(PaymentBatch, batch_id)
        assert batch is not None
        count, total = batch.number_of_transactions, batch.control_sum
        first = session.scalars(
            select(Payment).where(Payment.batch_id == batch.id).order_by(Payment.end_to_end_id)
        ).first()
        assert first is not None
        message_id, e2e, amount = batch.message_id, first.end_to_end_id, first.amount
    assert (
        french_euros(total).replace(" ", "\u202f").replace("\u202f€", "\u00a0€") in batch_page.text
    )

    early = preparer.get(f"/finance/lots/{batch_id}/fichier")
    assert early.status_code == 409  # downloaded once released only
    token = csrf_of(batch_page.text)
    own = preparer.post(
        f"/finance/lots/{batch_id}/liberation",
        data={"csrf_token": token, "number_of_transactions": str(count), "control_sum": str(total)},
    )
    assert own.status_code == 422
    assert "quatre yeux" in own.text

    releaser = demo.agent(SECOND_FINANCE)
    page = releaser.get(f"/finance/lots/{batch_id}")
    assert "Libérer le lot" in page.text
    token = csrf_of(page.text)
    wrong = releaser.post(
        f"/finance/lots/{batch_id}/liberation",
        data={
            "csrf_token": token,
            "number_of_transactions": str(count),
            "control_sum": french_euros(total + Decimal("0.01")),
        },
    )
    assert wrong.status_code == 422
    assert "ne sont pas ceux de l'en-tête" in html.unescape(wrong.text)
    assert 'aria-invalid="true"' in wrong.text
    unreadable = releaser.post(
        f"/finance/lots/{batch_id}/liberation",
        data={"csrf_token": token, "number_of_transactions": "douze", "control_sum": "x"},
    )
    assert "Saisissez un nombre entier" in unreadable.text
    with demo.session() as session:
        assert session.get(PaymentBatch, batch_id).status == "prepared"  # type: ignore[union-attr]

    released = releaser.post(
        f"/finance/lots/{batch_id}/liberation",
        data={
            "csrf_token": token,
            "number_of_transactions": str(count),
            "control_sum": french_euros(total),
        },
        follow_redirects=True,
    )
    assert released.status_code == 200
    assert "Lot libéré" in released.text
    assert "Paul Payeur (démo)" in released.text

    file = releaser.get(f"/finance/lots/{batch_id}/fichier")
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("application/xml")
    assert hashlib.sha256(file.content).hexdigest() == file.headers["x-content-sha256"]
    assert file.content.startswith(b"<?xml")

    returns = releaser.get("/finance/retours")
    bank_file = pain002("REJ-CONSOLE-1", message_id, [(e2e, amount, "AC04")])
    upload = releaser.post(
        "/finance/retours",
        data={"csrf_token": csrf_of(returns.text)},
        files={"fichier": ("rejets.xml", bank_file, "application/xml")},
    )
    assert upload.status_code == 201, upload.text
    assert "Fichier importé : 1 rejet" in upload.text
    assert "Rapproché" in upload.text
    assert "Compte clôturé (AC04)" in html.unescape(
        upload.text
    )  # the code's meaning, not only AC04
    twice = releaser.post(
        "/finance/retours",
        data={"csrf_token": csrf_of(returns.text)},
        files={"fichier": ("rejets.xml", bank_file, "application/xml")},
    )
    assert twice.status_code == 200
    assert "déjà été importé" in twice.text
    junk = releaser.post(
        "/finance/retours",
        data={"csrf_token": csrf_of(returns.text)},
        files={"fichier": ("note.xml", b"<pas-un-fichier-bancaire/>", "application/xml")},
    )
    assert junk.status_code == 422
    assert "resume-erreurs" in junk.text

    overview = releaser.get("/finance/exports?periode=2026-11")
    assert "Rapprocher le mois au centime" in overview.text
    assert "Rapproché au centime" not in overview.text  # computed on demand only
    assert re.search(r"1 paie dans le mois, \d+ lots? de virements", overview.text)
    report = releaser.get("/finance/exports?periode=2026-11&rapprochement=oui")
    assert "Rapproché au centime" in report.text
    assert "Synthèse du mois par programme et par nature" in report.text
    assert '<h2 id="mois">Paies de novembre 2026</h2>' in report.text
    empty = releaser.get("/finance/exports?periode=2031-01")
    assert "Aucune paie pour janvier 2031." in empty.text
    # a reconciliation link kept from another month (bookmark, back button) on a month
    # without a run: the console's page saying so, not the API's problem+json
    empty_check = releaser.get("/finance/exports?periode=2026-04&rapprochement=oui")
    assert empty_check.status_code == 200
    assert empty_check.headers["content-type"].startswith("text/html")
    assert "Aucune paie pour avril 2026." in empty_check.text
    csv = releaser.get("/finance/exports/mois/2026-11?contenu=detail&format=csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    xlsx = releaser.get("/finance/exports/mois/2026-11?contenu=synthese&format=xlsx")
    assert xlsx.content.startswith(b"PK")
    bad = releaser.get("/finance/exports?periode=novembre")
    assert bad.status_code == 422

    actions = _actions(demo)
    for action in (
        "payment_run.completed",
        "payment_batch.released",
        "payment_batch.downloaded",
        "bank_file.imported",
    ):
        assert action in actions, action


def test_lists_and_missing_objects(demo: DemoConsole) -> None:
    finance = demo.agent("demo-finance")
    assert finance.get("/finance/lots?statut=released").status_code == 200
    missing = finance.get("/finance/lots/0b6f3c1e-4d7a-4c53-9a51-0f3e2f6c9d10")
    assert missing.status_code == 404
    assert "Lot de paiement introuvable." in missing.text
    assert finance.get("/finance/paies/0b6f3c1e-4d7a-4c53-9a51-0f3e2f6c9d10").status_code == 404
    page = {"Accept": "text/html,application/xhtml+xml"}
    for address in ("/finance/paies/pas-un-identifiant", "/dossiers/123", "/rien-ici"):
        lost = finance.get(address, headers=page)  # a link cut short, a typed address
        assert lost.status_code == 404, address
        assert lost.headers["content-type"].startswith("text/html"), address
        assert "<h1>Page introuvable</h1>" in lost.text
        assert "retrouvez la personne ou le dossier avec la recherche" in lost.text
    # the address of a form (a refused release left in the address bar, then Enter)
    typed_back = finance.get(
        "/finance/lots/0b6f3c1e-4d7a-4c53-9a51-0f3e2f6c9d10/liberation", headers=page
    )
    assert typed_back.status_code == 404 and "<h1>Page introuvable</h1>" in typed_back.text
    home = finance.get("/")
    too_long = finance.post(  # past the field's limit, which the browser's form enforces
        "/recherche", data={"csrf_token": csrf_of(home.text), "q": "x" * 101}, headers=page
    )
    assert too_long.status_code == 422
    assert "<h1>Formulaire refusé</h1>" in too_long.text
    assert "rien n&#39;a été enregistré" in too_long.text
    api = finance.get("/v1/dossiers/123", headers=page)  # the API keeps its problem+json
    assert api.headers["content-type"] == "application/problem+json"
    typed = finance.get("/rien-ici")  # no browser: the problem+json as before
    assert typed.headers["content-type"] == "application/problem+json"
    instructor = demo.agent("demo-instructor")
    refused = instructor.get("/finance/lots/0b6f3c1e-4d7a-4c53-9a51-0f3e2f6c9d10")
    assert refused.status_code == 403
    supervisor = demo.agent("demo-supervisor")
    overpayments = supervisor.get("/finance/indus")
    assert overpayments.status_code == 200


def test_a_supervisor_sees_whose_overpayment_it_is_and_confirms_the_waiver(
    demo: DemoConsole,
) -> None:
    """A waiver gives up money owed: the list names the trainee (link to the dossier), the
    button says the amount, an unticked confirmation is refused and the reason typed is kept."""
    finance = demo.agent("demo-finance")
    runs = finance.get("/finance/paies")
    form = {"kind": "monthly", "period": "2026-11", "execution_date": "2026-12-02"}
    finance.post("/finance/paies", data={**form, "csrf_token": csrf_of(runs.text)})
    with demo.session() as session, session.begin():
        run_id = session.scalar(select(PaymentRun.id).order_by(PaymentRun.started_at).limit(1))
        dossier = session.scalars(select(Dossier).order_by(Dossier.created_at)).first()
        assert run_id is not None and dossier is not None
        trainee = session.get_one(Trainee, dossier.trainee_id)
        owed = Overpayment(
            id=uuid.uuid4(),
            trainee_id=dossier.trainee_id,
            dossier_id=dossier.id,
            origin_run_id=run_id,
            amount=Decimal("120.50"),
            remaining=Decimal("80.25"),
            status="recovery_order",
            version=1,
            created_at=demo.clock.now,
        )
        session.add(owed)
        name = f"{trainee.last_name.upper()} {trainee.first_names}"
    # an overpayment the run's lines do not hold: its export is refused, with a way back
    refused = finance.get(f"/finance/exports/paies/{run_id}?format=csv")
    assert refused.status_code == 409
    assert f'<a href="/finance/paies/{run_id}">← Revenir à la paie</a>' in refused.text
    supervisor = demo.agent("demo-supervisor")
    listed = html.unescape(supervisor.get("/finance/indus").text)
    assert f'<a href="/dossiers/{dossier.id}?onglet=paiements">{name}</a>' in listed
    assert f"Accorder la remise de {euros(Decimal('80.25'))}" in listed
    path = f"/finance/indus/{owed.id}/remise"
    reason = "Remise gracieuse : situation de surendettement."
    unconfirmed = supervisor.post(path, data={"csrf_token": csrf_of(listed), "reason": reason})
    assert unconfirmed.status_code == 422
    text = html.unescape(unconfirmed.text)
    assert f"renonce définitivement à {euros(Decimal('80.25'))} dus par {name}" in text
    assert f'value="{reason}"' in text  # what was typed is still there
    with demo.session() as session:
        assert session.get_one(Overpayment, owed.id).status == "recovery_order"
    waived = supervisor.post(
        path,
        data={"csrf_token": csrf_of(listed), "reason": reason, "confirmation": "oui"},
        follow_redirects=False,
    )
    assert waived.status_code == 303
    with demo.session() as session:
        after = session.get_one(Overpayment, owed.id)
        assert (after.status, after.waiver_reason) == ("waived", reason)
    shown = html.unescape(supervisor.get("/finance/indus?remise=1").text)
    assert "Remise gracieuse enregistrée." in shown and reason in shown
    assert f"{euros(Decimal('0'))} ({euros(Decimal('80.25'))} remis)" in shown  # nothing due now
    payments_tab = html.unescape(supervisor.get(f"/dossiers/{dossier.id}?onglet=paiements").text)
    assert f"{euros(Decimal('0'))} ({euros(Decimal('80.25'))} remis)" in payments_tab
