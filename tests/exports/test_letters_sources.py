"""Each kind of letter rendered from data produced through the services (a granted dossier with
its decision, a monthly run, an overpayment offset, a recovery order), read back from the PDF: the
figures are the engine's and the payment's, the mentions are there, no full NIR or IBAN."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from exports.errors import LetterRefused, LetterUnavailable
from exports.letters import find_full_identifiers, load_service_contact
from exports.letters.bulk import decision_jobs, payment_run_jobs, produce_letters
from exports.letters.produce import LetterJob, dossier_letter_job, render_job
from exports.letters.sources import LetterSetup
from exports.wording import amount_in_figures, amount_in_words_and_figures, date_in_words
from payments.models import Overpayment, Payment, PaymentLine
from remuneration.db.models import AuditEvent, Decision, Document, Dossier
from remuneration.services.documents import revealed_nir
from tests.exports.moneyworld import (
    abandoned_with_recovery_order,
    cancel_run_batch,
    money_world,
    paid_month,
    regularised_then_offset,
    returned_and_reissued,
)
from tests.exports.pdftext import normalise, pdf_text
from tests.payments.runworld import World, granted_dossier

__all__ = ["money_world"]  # the fixture, imported for pytest

SETUP = LetterSetup.packaged()
CONTACT = load_service_contact()


def _render(world: World, job: LetterJob, who: str = "instructor") -> str:
    with world.unit(who) as ctx:
        letter = render_job(ctx, job, setup=SETUP, letter_date=ctx.today)
        return pdf_text(letter.data)


def _secrets(world: World, info: dict[str, Any]) -> list[str]:
    with world.unit("supervisor") as ctx:
        vitale = ctx.session.scalars(
            select(Document).where(
                Document.dossier_id == info["dossier_id"], Document.kind == "vitale"
            )
        ).one()
        nir = revealed_nir(ctx, vitale)
    assert nir is not None
    iban = info["iban"]
    return [nir, iban, " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))]


def _assert_private(text: str, secrets: list[str]) -> None:
    assert find_full_identifiers(text) == []
    for secret in secrets:
        assert secret not in text


def _assert_contact(text: str) -> None:
    for mention in (CONTACT.phone, CONTACT.email, normalise(CONTACT.hours), CONTACT.service):
        assert mention in text


def test_the_decision_letter_carries_the_engine_figures_and_the_remedies(
    money_world: World,
) -> None:
    world = money_world
    paid = paid_month(world)
    info = paid["first"]
    with world.unit("instructor") as ctx:
        dossier = ctx.session.get_one(Dossier, info["dossier_id"])
        job = dossier_letter_job(ctx, dossier, "decision")
        decision = ctx.session.get_one(Decision, job.subject_id)
        result = json.loads(decision.result_json)
    text = _render(world, job)
    assert "Objet : Votre demande de rémunération est acceptée" in text
    assert f"Votre numéro de dossier : {info['dossier_id'].hex[:8].upper()}" in text
    assert "Ville-de-Démonstration, le 6 mai 2024" in text
    assert "Cette formation a lieu du 11 mars 2024 au 27 septembre 2024." in text
    for line in result["lines"]:
        assert (
            amount_in_figures(Decimal(line["amount"])).replace("\u202f", " ").replace("\u00a0", " ")
            in text
        )
    total = normalise(amount_in_words_and_figures(Decimal(result["total"])))
    assert f"Total : {total}." in text
    assert "Aide à l'équipement : votre demande est acceptée." in text
    for mention in ("recours gracieux", "recours contentieux", "deux mois", "Télérecours"):
        assert mention in text
    assert CONTACT.court_name in text
    _assert_contact(text)
    _assert_private(text, _secrets(world, info))


def test_the_payment_notice_explains_each_line_and_totals_the_transfer(
    money_world: World,
) -> None:
    world = money_world
    paid = paid_month(world)
    info = paid["first"]
    with world.session() as session:
        payment = session.scalars(
            select(Payment).where(Payment.dossier_id == info["dossier_id"])
        ).one()
        lines = session.scalars(
            select(PaymentLine).where(PaymentLine.payment_id == payment.id)
        ).all()
    text = _render(world, LetterJob("payment_notice", payment.id), who="relation_usagers")
    assert sum((line.amount for line in lines), Decimal(0)) == payment.amount
    total = normalise(amount_in_words_and_figures(payment.amount))
    assert f"Le montant du virement est de {total}." in text
    assert f"Total du virement : {total}." in text
    assert "Objet : Votre paiement du 8 mai 2024" in text
    assert payment.iban_masked in text
    assert "Pour le mois de mars 2024" in text and "Pour le mois d'avril 2024" in text
    for line in lines:
        assert normalise(amount_in_words_and_figures(line.amount)) in text
        assert normalise(line.explanation)[:60] in text
    assert "recours contentieux" not in text
    _assert_contact(text)
    _assert_private(text, _secrets(world, info))


def test_an_offset_overpayment_is_a_line_of_the_payment_notice(money_world: World) -> None:
    world = money_world
    story = regularised_then_offset(world)
    with world.session() as session:
        payment = session.scalars(select(Payment).where(Payment.run_id == story["june"].id)).one()
        overpayment = session.get_one(Overpayment, story["overpayment_id"])
    text = _render(world, LetterJob("payment_notice", payment.id))
    owed = normalise(amount_in_words_and_figures(-overpayment.amount))
    assert f"Trop-perçu : {owed}." in text
    assert "cette somme est retirée de ce virement pour rembourser un trop-perçu." in text
    assert f"Total du virement : {normalise(amount_in_words_and_figures(payment.amount))}." in text


def test_an_open_overpayment_is_notified_as_an_offset(money_world: World) -> None:
    world = money_world
    story = regularised_then_offset(world)
    with world.unit() as ctx:
        overpayment = ctx.session.get_one(Overpayment, story["overpayment_id"])
        overpayment.remaining = overpayment.amount  # as it stood before June's offset
        overpayment.status = "open"
    text = _render(world, LetterJob("overpayment_notice", story["overpayment_id"]))
    with world.session() as session:
        overpayment = session.get_one(Overpayment, story["overpayment_id"])
    amount = normalise(amount_in_words_and_figures(overpayment.amount))
    assert f"Vous devez rembourser {amount}." in text
    assert "Les heures de présence d'un mois déjà payé ont changé." in text
    assert "Nous retirons cette somme de vos prochains paiements." in text
    assert "titre de recette" not in text


def test_the_overpayment_notice_of_a_recovery_order(money_world: World) -> None:
    world = money_world
    story = abandoned_with_recovery_order(world)
    with world.session() as session:
        overpayment = session.get_one(Overpayment, story["overpayment_id"])
    text = _render(world, LetterJob("overpayment_notice", overpayment.id), who="supervisor")
    amount = normalise(amount_in_words_and_figures(overpayment.remaining))
    assert f"Vous devez rembourser {amount}." in text
    assert f"Résultat : vous avez reçu {amount} en trop." in text
    assert "Vous avez quitté la formation le 10 mai 2024 sans raison valable." in text
    assert (
        "demande de remboursement, à rappeler si vous nous écrivez : "
        f"{overpayment.recovery_order_reference}." in text
    )
    assert "titre de recette" not in text
    deadline = date_in_words(world.clock.now.date() + timedelta(days=60))
    assert f"Écrivez au Président du Conseil régional avant {deadline}." in text
    assert "remise gracieuse" in text and "recours contentieux" in text
    _assert_contact(text)
    _assert_private(text, _secrets(world, story["info"]))


def test_letters_that_would_mislead_are_refused(money_world: World) -> None:
    world = money_world
    paid = paid_month(world)
    with world.session() as session:
        cancelled = session.scalars(select(Payment)).first()
    assert cancelled is not None
    replacement = cancel_run_batch(world, paid["run"].id)
    with pytest.raises(LetterRefused, match="annulé"):
        _render(world, LetterJob("payment_notice", cancelled.id))
    with world.session() as session:
        new = session.scalars(
            select(Payment).where(
                Payment.batch_id == replacement.id, Payment.reissue_of == cancelled.id
            )
        ).one()
    assert normalise(amount_in_figures(new.amount)) in _render(
        world, LetterJob("payment_notice", new.id)
    )
    with world.unit() as ctx, pytest.raises(LetterUnavailable, match="trop-perçu"):
        dossier = ctx.session.get_one(Dossier, paid["first"]["dossier_id"])
        dossier_letter_job(ctx, dossier, "overpayment")
    homeless = granted_dossier(world, last_name="Sansadresse", town=None)
    with world.unit() as ctx:
        dossier = ctx.session.get_one(Dossier, homeless["dossier_id"])
        job = dossier_letter_job(ctx, dossier, "decision")
    with pytest.raises(LetterRefused, match="adresse postale"):
        _render(world, job)


def test_letters_in_bulk_after_a_run(money_world: World, tmp_path: Path) -> None:
    world = money_world
    story = abandoned_with_recovery_order(world)
    out = tmp_path / "lettres"
    with world.unit("instructor") as ctx:
        jobs = payment_run_jobs(ctx, story["may"].id)
        outcome = produce_letters(ctx, jobs, out, source={"payment_run": str(story["may"].id)})
    assert [job.kind for job in jobs] == ["overpayment_notice"]
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "manifest.csv",
        "manifest.json",
        f"overpayment-notice-{story['overpayment_id']}.pdf",
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [entry] = manifest["letters"]
    data = (out / entry["file"]).read_bytes()
    assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
    assert manifest["letter_date"] == "2024-06-03" and manifest["skipped"] == []
    assert "Avis de trop-perçu" in (out / "manifest.csv").read_text(encoding="utf-8-sig")
    assert (
        outcome.manifest_sha256 == hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
    )

    april = tmp_path / "avril"
    with world.unit("instructor") as ctx:
        jobs = payment_run_jobs(ctx, story["april"].id)
        produce_letters(ctx, jobs, april, source={"payment_run": str(story["april"].id)})
        decisions = decision_jobs(ctx, date(2024, 5, 1))
        produce_letters(ctx, decisions, tmp_path / "decisions", source={"since": "2024-05-01"})
    assert [job.kind for job in jobs] == ["payment_notice"]
    assert len(decisions) == 1  # the latest decision of the one dossier (after its exit)
    for directory in (april, tmp_path / "decisions"):
        for path in directory.glob("*.pdf"):
            assert re.fullmatch(r"[a-z-]+-[0-9a-f-]{36}\.pdf", path.name)
    with world.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "letters.produced")
        ).all()
    assert len(events) == 3 and events[0].after and events[0].after["letters"] == 1


def test_a_reissued_transfer_has_its_own_notice_and_the_returned_one_none(
    money_world: World,
) -> None:
    world = money_world
    story = returned_and_reissued(world)
    with world.session() as session:
        returned = session.get_one(Payment, story["returned_id"])
        reissue = session.scalars(select(Payment).where(Payment.reissue_of == returned.id)).one()
    text = _render(world, LetterJob("payment_notice", reissue.id))
    assert "Ce virement remplace un virement que votre banque nous a renvoyé." in text
    assert f"Total du virement : {normalise(amount_in_words_and_figures(returned.amount))}." in text
    assert reissue.iban_masked in text and returned.iban_masked not in text
    assert "Objet : Votre paiement du 16 mai 2024" in text
    with pytest.raises(LetterRefused, match="refusé"):
        _render(world, LetterJob("payment_notice", returned.id))
