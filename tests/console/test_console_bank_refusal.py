"""A batch the bank refused as a whole file (pain.002, group status RJCT) reads in French in
finance's console: on its page, in the list of batches and in the list filtered by that status
(a fresh demo of its own: the month is run once per database)."""

from __future__ import annotations

import uuid

from payments.models import PaymentBatch
from remuneration.demo.loader import SECOND_FINANCE
from tests.console.conftest import DemoConsole
from tests.console.support import BATCH_LINK, csrf_of, french_euros
from tests.payments.bankfiles import pain002_group


def test_a_batch_the_bank_refused_whole_reads_infrench_euros(demo: DemoConsole) -> None:
    preparer = demo.agent("demo-finance")
    page = preparer.get("/finance/paies")
    form = {
        "csrf_token": csrf_of(page.text),
        "kind": "monthly",
        "period": "2026-11",
        "execution_date": "2026-12-02",
    }
    run_page = preparer.get(preparer.post("/finance/paies", data=form).url)
    found = BATCH_LINK.search(run_page.text)
    assert found, run_page.text
    batch_id = uuid.UUID(found.group(1))
    with demo.session() as session:
        batch = session.get_one(PaymentBatch, batch_id)
        count, total, message_id = batch.number_of_transactions, batch.control_sum, batch.message_id
    releaser = demo.agent(SECOND_FINANCE)
    released = releaser.post(
        f"/finance/lots/{batch_id}/liberation",
        data={
            "csrf_token": csrf_of(releaser.get(f"/finance/lots/{batch_id}").text),
            "number_of_transactions": str(count),
            "control_sum": french_euros(total),
        },
        follow_redirects=True,
    )
    assert released.status_code == 200, released.text
    assert "Lot libéré" in released.text
    returns = releaser.get("/finance/retours")
    refused = pain002_group("RJCT-CONSOLE-1", message_id, group_status="RJCT", code="FF01")
    upload = releaser.post(
        "/finance/retours",
        data={"csrf_token": csrf_of(returns.text)},
        files={"fichier": ("statut.xml", refused, "application/xml")},
    )
    assert upload.status_code == 201, upload.text
    with demo.session() as session:
        assert session.get_one(PaymentBatch, batch_id).status == "rejected_by_bank"
    label = "Refusé par la banque (fichier entier), à repayer"
    for path in (
        f"/finance/lots/{batch_id}",
        "/finance/lots",
        "/finance/lots?statut=rejected_by_bank",
    ):
        shown = releaser.get(path)
        assert shown.status_code == 200
        assert label in shown.text and "rejected_by_bank</" not in shown.text, path
