"""Letters remu refuses to write, and why: no decision yet, a waived overpayment, a trainee whose
data were anonymised, a stored result it cannot read; and a trainee living abroad gets the
country on the envelope."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from exports.errors import LetterRefused, LetterUnavailable
from exports.letters.produce import LetterJob, dossier_letter_job, render_job
from exports.letters.sources import LetterSetup
from payments import waive_overpayment
from remuneration.db.models import Decision, Dossier, Trainee
from tests.builders import trainee_with_dossier
from tests.exports.moneyworld import abandoned_with_recovery_order, money_world
from tests.exports.pdftext import pdf_text
from tests.payments.runworld import World, granted_dossier

__all__ = ["money_world"]  # the fixture, imported for pytest

SETUP = LetterSetup.packaged()


def render(world: World, job: LetterJob) -> str:
    with world.unit("instructor") as ctx:
        return pdf_text(render_job(ctx, job, setup=SETUP, letter_date=ctx.today).data)


def decision_job(world: World, dossier_id: object) -> LetterJob:
    with world.unit("instructor") as ctx:
        return dossier_letter_job(ctx, ctx.session.get_one(Dossier, dossier_id), "decision")


def test_a_dossier_without_a_decision_has_no_decision_letter(money_world: World) -> None:
    with money_world.unit("instructor") as ctx:
        built = trainee_with_dossier(ctx, random.Random(5), store=money_world.store)
        with pytest.raises(LetterUnavailable, match="pas encore de décision"):
            dossier_letter_job(ctx, built.dossier, "decision")


def test_a_waived_overpayment_gets_no_overpayment_notice(money_world: World) -> None:
    world = money_world
    story = abandoned_with_recovery_order(world)
    job = LetterJob("overpayment_notice", story["overpayment_id"])
    assert "trop" in render(world, job).lower()
    with world.unit("supervisor") as ctx:
        waive_overpayment(
            ctx, story["overpayment_id"], reason="Situation financière très difficile"
        )
    with pytest.raises(LetterUnavailable, match="remise gracieuse"):
        render(world, job)
    with world.unit() as ctx, pytest.raises(LetterUnavailable, match="pas de trop-perçu"):
        dossier_letter_job(
            ctx, ctx.session.get_one(Dossier, story["info"]["dossier_id"]), "overpayment"
        )


def test_no_letter_once_the_trainee_is_anonymised(money_world: World) -> None:
    world = money_world
    info = granted_dossier(world)
    job = decision_job(world, info["dossier_id"])
    with world.unit() as ctx:
        ctx.session.get_one(Trainee, info["trainee_id"]).anonymised_at = datetime(2030, 1, 1)
    with pytest.raises(LetterRefused, match="anonymisées"):
        render(world, job)


def test_an_unreadable_stored_result_gives_no_letter(money_world: World) -> None:
    world = money_world
    info = granted_dossier(world)
    job = decision_job(world, info["dossier_id"])
    with world.unit() as ctx:
        ctx.session.get_one(Decision, job.subject_id).result_json = '{"decision": "granted"}'
    with pytest.raises(LetterRefused, match="illisible"):
        render(world, job)


def test_a_trainee_living_abroad_has_the_country_on_the_envelope(money_world: World) -> None:
    world = money_world
    info = granted_dossier(world, town="Bruxelles")
    with world.unit() as ctx:
        trainee = ctx.session.get_one(Trainee, info["trainee_id"])
        trainee.postcode, trainee.country = "1000", "BE"
    text = render(world, decision_job(world, info["dossier_id"]))
    assert "1000 Bruxelles BE" in text
