"""Finding and fixing people in the console, on the demo data: the search box of every page
(name, dossier number, case number, EndToEndId, NIR and IBAN answered masked), the trainee's
correction on the données tab (version conflicts in French with a reload link, relation
usagers limited to the address), documents shown inline from the file view service."""

from __future__ import annotations

import html
import random
import re
from datetime import date

from sqlalchemy import select

from payments.models import Payment
from remuneration.cases.models import Case
from remuneration.db.models import AuditEvent, Decision, Document, Dossier, Trainee
from remuneration.demo.data import make_iban, make_nir
from tests.console.conftest import DemoConsole
from tests.console.support import csrf_of

_VERSION = re.compile(r'name="version" value="([0-9]+)"')
_RESULT = re.compile(r'href="(/recherche/[a-z]+/[0-9a-f-]{36})"')


def _plain(response: object) -> str:
    return re.sub(r"<[^>]+>", "", html.unescape(response.text))  # type: ignore[attr-defined]


def _search(client: object, text: str) -> object:
    home = client.get("/")  # type: ignore[attr-defined]
    assert 'role="search"' in home.text
    return client.post("/recherche", data={"csrf_token": csrf_of(home.text), "q": text})  # type: ignore[attr-defined]


_VERIFIED_RIB = select(Document.dossier_id).where(
    Document.kind == "rib", Document.verification_status == "verified"
)


def _first_dossier(demo: DemoConsole, status: str) -> tuple[Dossier, Trainee]:
    with demo.session() as session:
        row = session.execute(
            select(Dossier, Trainee)
            .join(Trainee, Trainee.id == Dossier.trainee_id)
            .where(Dossier.status == status)
            .order_by(Dossier.created_at)
        ).first()
        assert row is not None
        return row[0], row[1]


def test_the_search_box_finds_a_dossier_by_name_and_by_number(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    dossier, trainee = _first_dossier(demo, "incomplete")
    found = _search(instructor, f"{trainee.first_names.lower()} {trainee.last_name.upper()}")
    assert found.status_code == 200  # type: ignore[attr-defined]
    assert trainee.last_name.upper() in _plain(found).upper()
    assert "Trouvé par" in _plain(found)
    link = _RESULT.search(found.text)  # type: ignore[attr-defined]
    assert link
    opened = instructor.get(html.unescape(link.group(1)), follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"].startswith("/dossiers/")
    assert dossier.reference is not None
    by_number = _search(instructor, dossier.reference.lower())
    assert f"/recherche/dossier/{dossier.id}" in by_number.text  # type: ignore[attr-defined]
    redirected = instructor.get(f"/recherche/dossier/{dossier.id}", follow_redirects=False)
    assert redirected.headers["location"] == f"/dossiers/{dossier.id}"
    nothing = _search(instructor, "zzzzqqq")
    assert "Aucun stagiaire" in _plain(nothing)
    missing = instructor.get("/recherche/dossier/0b6f3c1e-4d7a-4c53-9a51-0f3e2f6c9d10")
    assert missing.status_code == 404
    assert instructor.get(f"/recherche/inconnu/{dossier.id}").status_code == 404


def test_the_search_box_finds_cases_and_payments_and_masks_nir_and_iban(
    demo: DemoConsole,
) -> None:
    agent = demo.agent("demo-relation_usagers")
    finance = demo.agent("demo-finance")
    runs = finance.get("/finance/paies")
    form = {"kind": "monthly", "period": "2026-11", "execution_date": "2026-12-02"}
    started = finance.post(
        "/finance/paies", data={**form, "csrf_token": csrf_of(runs.text)}, follow_redirects=False
    )
    assert started.status_code == 303, _plain(started)[-1500:]
    with demo.session() as session:
        case = session.scalars(select(Case).order_by(Case.created_at)).first()
        payment = session.scalars(select(Payment).where(Payment.batch_id.is_not(None))).first()
    assert case is not None and payment is not None
    found = _search(agent, case.reference.lower())
    assert f"/recherche/demande/{case.id}" in found.text  # type: ignore[attr-defined]
    opened = agent.get(f"/recherche/demande/{case.id}", follow_redirects=False)
    assert opened.headers["location"] == f"/file/demandes/{case.reference}"
    paid = _search(finance, payment.end_to_end_id)
    assert f"/recherche/virement/{payment.id}" in paid.text  # type: ignore[attr-defined]
    opened = finance.get(f"/recherche/virement/{payment.id}", follow_redirects=False)
    assert opened.headers["location"] == f"/finance/lots/{payment.batch_id}"
    # finance holds no case permission: a case link is refused, not opened
    assert finance.get(f"/recherche/demande/{case.id}").status_code == 403

    # a NIR and an IBAN typed in full: found by keyed hash, never shown back as typed
    instructor = demo.agent("demo-instructor")
    dossier, trainee = _first_dossier(demo, "submitted")
    nir = make_nir(
        random.Random(5), sex=trainee.sex, birth_date=trainee.birth_date, department="14"
    )
    iban = make_iban(random.Random(11))
    pieces = instructor.get(f"/dossiers/{dossier.id}?onglet=pieces")
    token, version = csrf_of(pieces.text), _VERSION.search(pieces.text).group(1)  # type: ignore[union-attr]
    stored = instructor.post(
        f"/dossiers/{dossier.id}/pieces/vitale",
        data={"csrf_token": token, "version": version, "nir": nir},
    )
    assert stored.status_code == 200, re.findall(
        r"erreur-champ[^<]*<[^>]*>[^<]*|<li><a href=\"#[^<]*", stored.text
    )
    pieces = instructor.get(f"/dossiers/{dossier.id}?onglet=pieces")
    version = _VERSION.search(pieces.text).group(1)  # type: ignore[union-attr]
    holder = f"{trainee.first_names} {trainee.last_name}"
    stored = instructor.post(
        f"/dossiers/{dossier.id}/pieces/rib",
        data={
            "csrf_token": token,
            "version": version,
            "iban": iban,
            "holder": holder,
            "change_reason": "Nouveau compte",
        },
    )
    assert stored.status_code == 200, re.findall(
        r"erreur-champ[^<]*<[^>]*>[^<]*|<li><a href=\"#[^<]*", stored.text
    )
    spaced = " ".join(nir[i : i + 3] for i in range(0, 15, 3))
    by_nir = _search(instructor, spaced)
    assert f"/recherche/dossier/{dossier.id}" in by_nir.text  # type: ignore[attr-defined]
    assert nir not in by_nir.text and spaced not in by_nir.text  # type: ignore[attr-defined]
    assert "NIR " in _plain(by_nir)
    by_iban = _search(instructor, iban)
    assert f"/recherche/dossier/{dossier.id}" in by_iban.text  # type: ignore[attr-defined]
    assert iban not in by_iban.text  # type: ignore[attr-defined]
    assert "IBAN " in _plain(by_iban)


def test_the_search_needs_a_session_a_role_and_the_form_token(demo: DemoConsole) -> None:
    anonymous = demo.client()
    refused = anonymous.post("/recherche", data={"q": "martin"}, follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/connexion")
    instructor = demo.agent("demo-instructor")
    forged = instructor.post("/recherche", data={"q": "martin", "csrf_token": "x" * 40})
    assert forged.status_code == 403
    assert "rien n'a été enregistré" in _plain(forged)
    admin = demo.agent("demo-admin")
    home = admin.get("/")
    assert 'role="search"' not in home.text
    assert (
        admin.post("/recherche", data={"q": "x", "csrf_token": csrf_of(home.text)}).status_code
        == 403
    )


def test_an_instructor_fixes_a_birth_date_and_a_stale_form_is_refused(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    dossier, trainee = _first_dossier(demo, "granted")
    page = instructor.get(f"/dossiers/{dossier.id}?onglet=donnees")
    assert "Corriger la fiche du stagiaire" in page.text
    token, version = csrf_of(page.text), _VERSION.search(page.text).group(1)  # type: ignore[union-attr]
    assert version == str(trainee.version)
    invalid = instructor.post(
        f"/dossiers/{dossier.id}/stagiaire",
        data={"csrf_token": token, "version": version, "birth_date": "31/02/1990"},
    )
    assert invalid.status_code == 422
    assert 'aria-invalid="true"' in invalid.text
    new_birth = date(trainee.birth_date.year - 1, trainee.birth_date.month, 1)
    saved = instructor.post(
        f"/dossiers/{dossier.id}/stagiaire",
        data={
            "csrf_token": token,
            "version": version,
            "last_name": trainee.last_name,
            "first_names": trainee.first_names,
            "birth_date": new_birth.isoformat(),
            "sex": trainee.sex,
        },
    )
    assert saved.status_code == 200, _plain(saved)[-1500:]
    assert "Fiche du stagiaire corrigée" in _plain(saved)
    with demo.session() as session:
        after = session.get_one(Trainee, trainee.id)
        assert after.birth_date == new_birth
        assert after.version == trainee.version + 1
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "trainee.updated", AuditEvent.entity_id == str(trainee.id)
            )
        ).first()
        assert event is not None
        assert new_birth.isoformat() not in str(event.after)  # masked: year and month only
    history = _plain(instructor.get(f"/dossiers/{dossier.id}?onglet=historique"))
    assert "Identité du stagiaire modifiée (date de naissance)" in history
    assert "Claire Instructrice" in history.split("Identité du stagiaire modifiée")[-1]
    assert new_birth.isoformat() not in history and str(new_birth.year) not in history
    stale = instructor.post(
        f"/dossiers/{dossier.id}/stagiaire",
        data={"csrf_token": token, "version": version, "town": "Caen"},
    )
    assert stale.status_code == 409
    text = _plain(stale)
    assert "modifié par quelqu'un d'autre" in text
    assert f'href="/dossiers/{dossier.id}?onglet=donnees"' in stale.text
    assert "Recharger le dossier" in text
    with demo.session() as session:
        assert session.get_one(Trainee, trainee.id).town != "Caen" or trainee.town == "Caen"
        assert session.scalar(select(Decision.id).where(Decision.dossier_id == dossier.id).limit(1))


def test_relation_usagers_fix_an_address_but_not_an_identity(demo: DemoConsole) -> None:
    agent = demo.agent("demo-relation_usagers")
    dossier, trainee = _first_dossier(demo, "incomplete")
    page = agent.get(f"/dossiers/{dossier.id}?onglet=donnees")
    assert 'id="last_name" name="last_name" type="text"' in page.text
    assert "readonly" in page.text
    token, version = csrf_of(page.text), _VERSION.search(page.text).group(1)  # type: ignore[union-attr]
    refused = agent.post(
        f"/dossiers/{dossier.id}/stagiaire",
        data={"csrf_token": token, "version": version, "last_name": "Autrenom"},
    )
    assert refused.status_code == 422
    assert "pas l'identité" in _plain(refused)
    typo = agent.post(
        f"/dossiers/{dossier.id}/stagiaire",
        data={
            "csrf_token": token,
            "version": version,
            "street": "3 rue de l'Exemple",
            "postcode": "1400",
            "town": "Caen",
        },
    )
    assert typo.status_code == 422
    assert "n'est pas un code postal français" in _plain(typo)
    assert 'value="3 rue de l&#39;Exemple"' in typo.text  # what was typed is kept
    saved = agent.post(
        f"/dossiers/{dossier.id}/stagiaire",
        data={
            "csrf_token": token,
            "version": version,
            "street": "3 rue de l'Exemple",
            "postcode": "14000",
            "town": "Caen",
        },
    )
    assert saved.status_code == 200, _plain(saved)[-1500:]
    with demo.session() as session:
        after = session.get_one(Trainee, trainee.id)
        assert (after.street, after.postcode, after.town) == ("3 rue de l'Exemple", "14000", "Caen")
        assert after.last_name == trainee.last_name
    history = _plain(agent.get(f"/dossiers/{dossier.id}?onglet=historique"))
    changed = ["adresse"] + [  # only what differed from the record is written (and named)
        name
        for name, before in (("code postal", trainee.postcode), ("commune", trainee.town))
        if before != {"code postal": "14000", "commune": "Caen"}[name]
    ]
    assert f"Identité du stagiaire modifiée ({', '.join(changed)})" in history
    assert "rue de l'Exemple" not in history
    finance = demo.agent("demo-finance")
    page = finance.get(f"/dossiers/{dossier.id}?onglet=donnees")
    assert "Corriger la fiche" not in page.text
    assert (
        finance.post(
            f"/dossiers/{dossier.id}/stagiaire",
            data={"csrf_token": csrf_of(page.text), "version": "1", "town": "Vire"},
        ).status_code
        == 403
    )


def test_documents_are_shown_inline_and_every_view_is_audited(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    dossier, trainee = _first_dossier(demo, "complete")
    pieces = instructor.get(f"/dossiers/{dossier.id}?onglet=pieces")
    token, version = csrf_of(pieces.text), _VERSION.search(pieces.text).group(1)  # type: ignore[union-attr]
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
        b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    stored = instructor.post(
        f"/dossiers/{dossier.id}/pieces/identite",
        data={"csrf_token": token, "version": version},
        files={"fichier": ("cni.png", png, "image/png")},
    )
    assert stored.status_code == 200, re.findall(
        r"erreur-champ[^<]*<[^>]*>[^<]*|<li><a href=\"#[^<]*", stored.text
    )
    version = _VERSION.search(stored.text).group(1)  # type: ignore[union-attr]
    holder = f"{trainee.first_names} {trainee.last_name}"
    stored = instructor.post(
        f"/dossiers/{dossier.id}/pieces/rib",
        data={
            "csrf_token": token,
            "version": version,
            "holder": holder,
            "iban": make_iban(random.Random(3)),
            "change_reason": "Changement de banque",
        },
        files={"fichier": ("rib.pdf", b"%PDF-1.4\n%demo\n", "application/pdf")},
    )
    assert stored.status_code == 200, re.findall(
        r"erreur-champ[^<]*<[^>]*>[^<]*|<li><a href=\"#[^<]*", stored.text
    )
    page = instructor.get(f"/dossiers/{dossier.id}?onglet=pieces")
    assert f'<iframe src="/dossiers/{dossier.id}/pieces/rib/fichier"' in page.text
    assert f'<img src="/dossiers/{dossier.id}/pieces/identite/fichier"' in page.text
    assert "Contrôles" in page.text
    rib = instructor.get(f"/dossiers/{dossier.id}/pieces/rib/fichier")
    assert rib.status_code == 200
    assert rib.content == b"%PDF-1.4\n%demo\n"
    assert rib.headers["content-type"] == "application/pdf"
    assert rib.headers["content-disposition"].startswith("inline")
    assert rib.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'self'" in rib.headers["content-security-policy"]
    assert rib.headers["x-frame-options"] == "SAMEORIGIN"
    image = instructor.get(f"/dossiers/{dossier.id}/pieces/identite/fichier")
    assert image.content == png
    with demo.session() as session:
        views = list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "document.file_viewed",
                    AuditEvent.dossier_id == dossier.id,
                )
            )
        )
    assert len(views) >= 2
    finance = demo.agent("demo-finance")
    assert finance.get(f"/dossiers/{dossier.id}/pieces/rib/fichier").status_code == 200
    assert finance.get(f"/dossiers/{dossier.id}/pieces/identite/fichier").status_code == 403
    agent = demo.agent("demo-relation_usagers")
    assert agent.get(f"/dossiers/{dossier.id}/pieces/rib/fichier").status_code == 403
    assert instructor.get(f"/dossiers/{dossier.id}/pieces/vitale/fichier").status_code in (404, 200)
    assert instructor.get(f"/dossiers/{dossier.id}/pieces/autre/fichier").status_code == 404


def test_the_queue_tabs_count_what_each_tab_lists(demo: DemoConsole) -> None:
    """The six counters come from one grouped query: each equals the tab's own list total."""
    supervisor = demo.agent("demo-supervisor")
    first = supervisor.get("/file")
    counters = dict(
        re.findall(
            r'href="/file\?vue=([a-z-]+)"[^>]*>[^<]*<span class="compte-onglet">\((\d+)', first.text
        )
    )
    assert len(counters) == 6
    assert sum(int(n) for n in counters.values()) > 0
    for key, count in counters.items():
        page = _plain(supervisor.get(f"/file?vue={key}"))
        total = re.search(r" : (\d+) demande", page)
        assert total, key
        assert int(total.group(1)) == int(count), key


def test_a_name_corrected_away_from_the_rib_says_the_dossier_changed_state(
    demo: DemoConsole,
) -> None:
    """A typo fixed in the last name can make the RIB's holder no longer match: the page says the
    dossier's state changed and where to read why, not only « fiche corrigée »."""
    instructor = demo.agent("demo-instructor")
    with demo.session() as session:
        dossier = session.scalars(  # filed, not decided, its RIB verified
            select(Dossier)
            .where(Dossier.status.in_(("submitted", "complete")))
            .where(Dossier.id.in_(_VERIFIED_RIB))
            .order_by(Dossier.created_at)
        ).first()
        assert dossier is not None
        before = dossier.status
    page = instructor.get(f"/dossiers/{dossier.id}?onglet=donnees")
    token, version = csrf_of(page.text), _VERSION.search(page.text).group(1)  # type: ignore[union-attr]
    saved = instructor.post(
        f"/dossiers/{dossier.id}/stagiaire",
        data={"csrf_token": token, "version": version, "last_name": "Zzyzx"},
    )
    assert saved.status_code == 200, _plain(saved)[-1500:]
    with demo.session() as session:
        status = session.get_one(Dossier, dossier.id).status
    assert status != before  # the RIB is held by the old name
    text = _plain(saved)
    assert "l'état du dossier a changé ; « Calcul et décision » dit pourquoi" in text
    reasons = _plain(instructor.get(f"/dossiers/{dossier.id}?onglet=calcul"))
    assert "titulaire" in reasons
    fixed_back = instructor.get(f"/dossiers/{dossier.id}?onglet=donnees")
    token = csrf_of(fixed_back.text)
    version = _VERSION.search(fixed_back.text).group(1)  # type: ignore[union-attr]
    unchanged_state = instructor.post(
        f"/dossiers/{dossier.id}/stagiaire",
        data={"csrf_token": token, "version": version, "town": "Bayeux"},
    )
    assert "Fiche du stagiaire corrigée." in _plain(unchanged_state)  # same state: plain words
