"""The instructor's day in the console, on the demo data: the dossier list with its tabs and
filters as removable tags, a dossier's tabs, a new RIB, a decision, the letter."""

from __future__ import annotations

import html
import random
import re

from sqlalchemy import select

from api.http.console.dossier_tabs import FACT_LABELS
from remuneration.db.models import AuditEvent, Decision, Dossier, Exit, Trainee
from remuneration.demo.data import make_iban
from rules.french import fr_decimal
from tests.console.conftest import DemoConsole
from tests.console.support import csrf_of

_DOSSIER = re.compile(r'href="/dossiers/([0-9a-f-]{36})"')
_VERSION = re.compile(r'name="version" value="([0-9]+)"')


def _plain(response: object) -> str:
    return re.sub(r"<[^>]+>", "", html.unescape(response.text))  # type: ignore[attr-defined]


def test_the_list_has_tabs_with_counters_and_removable_filter_tags(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    page = instructor.get("/dossiers?onglet=incomplets")
    assert page.status_code == 200
    text = _plain(page)
    for tab in ("À instruire", "Incomplets", "En attente de l'organisme", "Décidés"):
        assert re.search(rf"{tab} \(\d+", text), tab
    with demo.session() as session:
        incomplete = session.scalar(
            select(Dossier.id).where(Dossier.status == "incomplete").limit(1)
        )
        count = len(list(session.scalars(select(Dossier.id).where(Dossier.status == "incomplete"))))
    assert f"Incomplets : {count} dossier" in text
    assert str(incomplete) in page.text
    # two sessions of a training share a title: each line says when its session starts
    assert re.search(r"\(début le \d{1,2}(er)? [a-zéû]+ \d{4}\)", text)
    organisation = re.search(
        r'<option value="([0-9a-f-]{36})">Centre de formation Démo-Nord', page.text
    )
    assert organisation
    filtered = instructor.get(
        f"/dossiers?onglet=decides&organisme={organisation.group(1)}&pieces=manquantes"
    )
    assert "Organisme : Centre de formation Démo-Nord" in _plain(filtered)
    assert "Retirer le filtre Pièces manquantes" in _plain(filtered)
    removal = re.search(
        r'href="(/dossiers\?[^"]*)"><span aria-hidden="true">✕</span>'
        r'<span class="visually-hidden">Retirer le filtre Pièces',
        filtered.text,
    )
    assert removal
    without = instructor.get(html.unescape(removal.group(1)))
    assert "Retirer le filtre Pièces manquantes" not in _plain(without)
    assert "Organisme : Centre de formation Démo-Nord" in _plain(without)
    fragment = instructor.get("/dossiers?onglet=tous&q=zzz", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="resultats"')


def test_fix_the_rib_decide_and_open_the_letter(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    with demo.session() as session:
        dossier, trainee = session.execute(
            select(Dossier, Trainee)
            .join(Trainee, Trainee.id == Dossier.trainee_id)
            .where(Dossier.status == "incomplete")
            .order_by(Dossier.created_at)
        ).first()  # type: ignore[misc]
    for tab in ("donnees", "pieces", "calcul", "paiements", "echanges", "historique"):
        response = instructor.get(f"/dossiers/{dossier.id}?onglet={tab}")
        assert response.status_code == 200, tab
        assert trainee.last_name in response.text
    calcul = _plain(instructor.get(f"/dossiers/{dossier.id}?onglet=calcul"))
    assert "À demander au stagiaire" in calcul or "Motifs" in calcul

    pieces = instructor.get(f"/dossiers/{dossier.id}?onglet=pieces")
    version = _VERSION.search(pieces.text).group(1)  # type: ignore[union-attr]
    holder = f"{trainee.first_names.upper()} {trainee.last_name.upper()}"
    bad = instructor.post(
        f"/dossiers/{dossier.id}/pieces/rib",
        data={"csrf_token": csrf_of(pieces.text), "version": version, "iban": "FR76 1234"},
    )
    assert bad.status_code == 422
    assert "resume-erreurs" in bad.text
    stale = instructor.post(
        f"/dossiers/{dossier.id}/pieces/rib",
        data={"csrf_token": csrf_of(pieces.text), "version": "999", "iban": "x"},
    )
    assert stale.status_code == 409
    saved = instructor.post(
        f"/dossiers/{dossier.id}/pieces/rib",
        data={
            "csrf_token": csrf_of(pieces.text),
            "version": version,
            "iban": make_iban(random.Random(7)),
            "bic": "BNPAFRPP",
            "holder": holder,
            "change_reason": "Nouveau RIB transmis par le stagiaire",
            "verified": "oui",
        },
        files={"fichier": ("rib.pdf", b"%PDF-1.4\n%demo\n", "application/pdf")},
    )
    assert saved.status_code == 200, _plain(saved)[-2000:]
    assert "RIB enregistré." in _plain(saved)

    calcul_page = instructor.get(f"/dossiers/{dossier.id}?onglet=calcul")
    version = _VERSION.search(calcul_page.text).group(1)  # type: ignore[union-attr]
    decided = instructor.post(
        f"/dossiers/{dossier.id}/decision",
        data={"csrf_token": csrf_of(calcul_page.text), "version": version},
    )
    assert decided.status_code == 200
    assert "Décision enregistrée." in _plain(decided)
    with demo.session() as session:
        assert session.scalar(select(Decision.id).where(Decision.dossier_id == dossier.id).limit(1))
    letter = instructor.get(f"/dossiers/{dossier.id}/lettre")
    assert letter.status_code == 200, letter.text[:500]
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.headers["content-disposition"].startswith("inline")
    assert letter.content.startswith(b"%PDF")
    history = _plain(instructor.get(f"/dossiers/{dossier.id}?onglet=historique"))
    with demo.session() as session:
        actions = set(
            session.scalars(select(AuditEvent.action).where(AuditEvent.dossier_id == dossier.id))
        )
    assert "decision.taken" in actions
    assert "Décision prise" in history and "Coordonnées bancaires changées" in history
    assert "decision.taken" not in history  # the agent reads French, not the journal's codes
    assert "FR76" not in history.replace("FR76 ", "")  # never a full IBAN in the history
    assert instructor.get("/dossiers/0b6f3c1e-4d7a-4c53-9a51-0f3e2f6c9d10").status_code == 404


def test_finance_reads_dossiers_but_cannot_decide(demo: DemoConsole) -> None:
    finance = demo.agent("demo-finance")
    with demo.session() as session:
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.status == "granted").limit(1))
    page = finance.get(f"/dossiers/{dossier_id}?onglet=calcul")
    assert page.status_code == 200
    assert "Décider avec les faits enregistrés" not in page.text
    refused = finance.post(
        f"/dossiers/{dossier_id}/decision", data={"csrf_token": csrf_of(page.text), "version": "1"}
    )
    assert refused.status_code == 403


def test_identity_and_vitale_are_received_verified_or_refused(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    with demo.session() as session:
        dossier_id = session.scalar(
            select(Dossier.id).where(Dossier.status == "submitted").order_by(Dossier.created_at)
        )
    pieces = instructor.get(f"/dossiers/{dossier_id}?onglet=pieces")
    token, version = csrf_of(pieces.text), _VERSION.search(pieces.text).group(1)  # type: ignore[union-attr]
    stale = instructor.post(
        f"/dossiers/{dossier_id}/pieces/vitale",
        data={"csrf_token": token, "version": "0", "nir": "184127645108946"},
    )
    assert stale.status_code == 409
    assert "184127645108946" not in stale.text  # a NIR typed is never shown again
    identity = instructor.post(
        f"/dossiers/{dossier_id}/pieces/identite",
        data={
            "csrf_token": token,
            "version": version,
            "identity_type": "passport",
            "expiry_date": "2031-05-01",
            "number": "19AB12345",
            "verified": "oui",
        },
        files={"fichier": ("passeport.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png")},
    )
    assert identity.status_code == 200, _plain(identity)[-1500:]
    assert "Pièce d'identité enregistrée." in _plain(identity)
    page = _plain(instructor.get(f"/dossiers/{dossier_id}?onglet=pieces"))
    assert "19AB12345" not in page  # shown masked only
    version = _VERSION.search(identity.text).group(1)  # type: ignore[union-attr]
    refused = instructor.post(
        f"/dossiers/{dossier_id}/pieces/vitale",
        data={"csrf_token": token, "version": version, "refusal_reason": "Attestation illisible"},
        files={"fichier": ("vitale.pdf", b"%PDF-1.4\n%x\n", "application/pdf")},
    )
    assert "Attestation Vitale enregistrée." in _plain(refused)
    assert "Attestation illisible" in _plain(
        instructor.get(f"/dossiers/{dossier_id}?onglet=pieces")
    )


def test_the_declared_situation_is_shown_in_french_words_and_figures(demo: DemoConsole) -> None:
    """An agent reads « demandeur d'emploi », « 35 h », « 143 », never a stored code or `35.00`."""
    instructor = demo.agent("demo-instructor")
    with demo.session() as session:
        dossier_id, distance = session.execute(
            select(Dossier.id, Dossier.distance_km)
            .join(Exit, Exit.dossier_id == Dossier.id)
            .where(Dossier.trainee_status == "job_seeker", Dossier.distance_km.is_not(None))
            .limit(1)
        ).one()
    page = _plain(instructor.get(f"/dossiers/{dossier_id}?onglet=donnees"))
    assert "Statut du stagiairedemandeur d'emploi" in page  # header cell, then its value
    assert "job_seeker" not in page
    assert re.search(r"\(\d+(,\d+)? h par semaine\)", page)
    assert ".00 h par semaine" not in page
    assert fr_decimal(distance) in page
    assert "Sortie de formation le" in page
    assert "legitimate" not in page and "abandonment" not in page
    assert "sortie pour un motif légitime" in page or "abandon sans motif légitime" in page


def test_an_unknown_fact_reads_non_renseigne_whatever_its_gender(demo: DemoConsole) -> None:
    """« Distance domicile-formation : non renseigné », not « inconnue » agreeing with nothing."""
    instructor = demo.agent("demo-instructor")
    with demo.session() as session:  # a dossier under instruction, its distance not yet known
        dossier = session.scalars(select(Dossier).where(Dossier.status == "incomplete")).first()
        assert dossier is not None
        dossier_id, dossier.distance_km = dossier.id, None
        session.commit()
    page = _plain(instructor.get(f"/dossiers/{dossier_id}?onglet=donnees"))
    assert f"{FACT_LABELS['distance_km']}non renseigné" in page
    assert "inconnue" not in page
