"""What an agent sees when a console form is wrong, stale or aimed at nothing: the page again
with a French message beside the field (422), the record as it now stands (409), or the
console's « introuvable » page (404); nothing is recorded. On the demo data."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

from sqlalchemy import func, select

from payments.models import PaymentRun
from remuneration.cases.models import Case
from remuneration.db.models import AuditEvent, ConsoleSession, Decision, Dossier, Trainee, User
from remuneration.services.users import deactivate_user
from tests.console.conftest import DemoConsole
from tests.console.support import csrf_of, sign_in

UNKNOWN = uuid.UUID("00000000-0000-4000-8000-000000000000")


def _text(response: Any) -> str:
    """The page as read on screen: tags dropped, entities decoded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text)))


def _post(client: Any, path: str, data: dict[str, str], **kwargs: Any) -> Any:
    token = csrf_of(client.get("/").text)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def _audit_count(demo: DemoConsole) -> int:
    with demo.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def _open_case(demo: DemoConsole) -> Case:
    with demo.session() as session:
        case = session.scalars(
            select(Case).where(Case.status.in_(("new", "open"))).order_by(Case.reference)
        ).first()
        assert case is not None, "the demo has open cases"
        return case


def _undecided_dossier(demo: DemoConsole) -> Dossier:
    with demo.session() as session:
        decided = select(Decision.dossier_id)
        dossier = session.scalars(
            select(Dossier).where(Dossier.id.not_in(decided)).order_by(Dossier.created_at)
        ).first()
        assert dossier is not None, "the demo has dossiers without a decision"
        return dossier


def test_queue_forms_refused_with_a_message_beside_the_field(demo: DemoConsole) -> None:
    agent = demo.agent("demo-relation_usagers")
    case = _open_case(demo)
    page = f"/file/demandes/{case.reference}"
    before = _audit_count(demo)

    refusals = {
        "statut": (
            {"version": str(case.version), "to": "envolee"},
            "Choisissez le nouveau statut.",
        ),
        "note": ({"body": "   "}, "Écrivez la note."),
        "message": ({"body": ""}, "Écrivez le message."),
        "fusion": (
            {"version": str(case.version), "into": "C-1999-000001"},
            "Aucune demande ne porte cette référence.",
        ),
    }
    for action, (form, message) in refusals.items():
        refused = _post(agent, f"{page}/{action}", form)
        assert refused.status_code == 422, (action, refused.text)
        assert message in _text(refused), action

    bad_reason = _post(
        agent, f"{page}/statut", {"version": str(case.version), "to": "resolved", "reason": "x"}
    )
    assert bad_reason.status_code == 422
    assert "Motif de résolution inconnu." in _text(bad_reason)
    channel = _post(agent, f"{page}/message", {"body": "Bonjour", "channel": "pigeon"})
    assert channel.status_code == 422
    assert "Choisissez le sens et le canal." in _text(channel)
    assert _audit_count(demo) == before  # nothing recorded


def test_queue_forms_on_a_stale_or_unknown_case(demo: DemoConsole) -> None:
    agent = demo.agent("demo-relation_usagers")
    case = _open_case(demo)
    stale = _post(
        agent,
        f"/file/demandes/{case.reference}/statut",
        {"version": str(case.version - 1), "to": "pending_trainee"},
    )
    assert stale.status_code == 409
    assert "Cette demande a été modifiée depuis votre lecture" in _text(stale)
    missing = _post(agent, "/file/demandes/C-1999-000001/prise", {})
    assert missing.status_code == 404
    unknown_macro = _post(
        agent, f"/file/demandes/{case.reference}/macro", {"key": "inconnue", "action": "apercu"}
    )
    assert unknown_macro.status_code == 422


def test_a_supervisor_cannot_assign_to_an_unknown_agent(demo: DemoConsole) -> None:
    supervisor = demo.agent("demo-supervisor")
    case = _open_case(demo)
    refused = _post(
        supervisor,
        f"/file/demandes/{case.reference}/attribution",
        {"version": str(case.version), "assignee": "pas-un-identifiant"},
    )
    assert refused.status_code == 422
    assert "Agent inconnu." in _text(refused)


def test_dossier_forms_stale_unknown_and_empty(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    dossier = _undecided_dossier(demo)
    base = f"/dossiers/{dossier.id}"

    stale = _post(instructor, f"{base}/decision", {"version": str(dossier.version + 5)})
    assert stale.status_code == 409
    assert "Ce dossier a été modifié depuis votre lecture" in _text(stale)
    assert _post(instructor, f"/dossiers/{UNKNOWN}/decision", {"version": "1"}).status_code == 404

    empty_rib = _post(instructor, f"{base}/pieces/rib", {"version": str(dossier.version)})
    assert empty_rib.status_code == 422
    assert "Joignez le RIB ou saisissez au moins l'IBAN." in _text(empty_rib)
    odd_identity = _post(
        instructor,
        f"{base}/pieces/identite",
        {"version": str(dossier.version), "identity_type": "carte_de_cantine"},
    )
    assert odd_identity.status_code == 422
    assert "Type de pièce inconnu." in _text(odd_identity)
    stale_vitale = _post(instructor, f"{base}/pieces/vitale", {"version": "0", "nir": "1"})
    assert stale_vitale.status_code == 409


def test_the_letter_of_a_dossier_without_decision(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    dossier = _undecided_dossier(demo)
    refused = instructor.get(f"/dossiers/{dossier.id}/lettre")
    assert refused.status_code == 404
    assert "Lettre indisponible" in _text(refused)
    assert "décision" in _text(refused)
    assert instructor.get(f"/dossiers/{UNKNOWN}/lettre").status_code == 404


def test_trainee_form_stale_and_invalid(demo: DemoConsole) -> None:
    instructor = demo.agent("demo-instructor")
    dossier = _undecided_dossier(demo)
    with demo.session() as session:
        trainee = session.get_one(Trainee, dossier.trainee_id)
        version, email = trainee.version, trainee.email
    path = f"/dossiers/{dossier.id}/stagiaire"
    stale = _post(instructor, path, {"version": str(version + 1), "town": "Caen"})
    assert stale.status_code == 409
    assert "Ce stagiaire a été modifié par quelqu'un d'autre" in _text(stale)
    invalid = _post(instructor, path, {"version": str(version), "email": "pas-une-adresse"})
    assert invalid.status_code == 422
    with demo.session() as session:
        assert session.get_one(Trainee, dossier.trainee_id).email == email  # nothing written
    assert _post(instructor, f"/dossiers/{UNKNOWN}/stagiaire", {"version": "1"}).status_code == 404


def test_finance_forms_refused_and_unknown_records(demo: DemoConsole) -> None:
    finance = demo.agent("demo-finance")
    no_file = _post(finance, "/finance/retours", {})
    assert no_file.status_code == 422
    assert "Choisissez le fichier reçu de la banque." in _text(no_file)
    odd_run = _post(finance, "/finance/paies", {"kind": "hebdomadaire", "period": "2026-11"})
    assert odd_run.status_code == 422
    assert "Choisissez le type de paie." in _text(odd_run)

    for path in (
        f"/finance/lots/{UNKNOWN}",
        f"/finance/lots/{UNKNOWN}/fichier",
        f"/finance/exports/paies/{UNKNOWN}",
        "/finance/exports/mois/2026-13",
    ):
        answer = finance.get(path)
        assert answer.status_code == 404, path
        assert "introuvable" in _text(answer), path
    for path, form in (
        (f"/finance/lots/{UNKNOWN}/liberation", {"number_of_transactions": "1"}),
        (f"/finance/lots/{UNKNOWN}/annulation", {"reason": "Erreur"}),
        (f"/finance/paies/{UNKNOWN}/lettres", {}),
    ):
        assert _post(finance, path, form).status_code == 404, path


def test_waiving_an_overpayment_is_for_a_supervisor(demo: DemoConsole) -> None:
    path = f"/finance/indus/{UNKNOWN}/remise"
    forbidden = _post(demo.agent("demo-finance"), path, {"reason": "Remise gracieuse"})
    assert forbidden.status_code == 403
    supervisor = demo.agent("demo-supervisor")
    assert _post(supervisor, path, {"reason": "Remise gracieuse"}).status_code == 404


def test_a_deactivated_agent_is_signed_out_at_the_next_page(demo: DemoConsole) -> None:
    desk = demo.agent("demo-admin")
    assert desk.get("/").status_code == 200
    with demo.session() as session, session.begin():
        deactivate_user(session, "demo-admin")
    page = desk.get("/", follow_redirects=False)
    assert page.status_code in (302, 303)
    assert page.headers["location"].startswith("/connexion")
    with demo.session() as session:
        ended = session.scalars(
            select(ConsoleSession.end_reason).where(ConsoleSession.ended_at.is_not(None))
        ).all()
    assert "user_inactive" in ended
    # Another agent signs in at the same desk: the ended session's cookie is simply replaced.
    assert sign_in(desk, "demo-instructor", "remu-demo-instructor").status_code == 303
    assert desk.get("/").status_code == 200


def test_paying_with_a_mistyped_execution_date(demo: DemoConsole) -> None:
    finance = demo.agent("demo-finance")
    form = {"kind": "monthly", "period": "2026-11", "execution_date": "le 2 décembre"}
    refused = _post(finance, "/finance/paies", form)
    assert refused.status_code == 422
    assert "Saisissez une date valide (jj/mm/aaaa)." in _text(refused)
    with demo.session() as session:
        assert session.scalar(select(func.count()).select_from(PaymentRun)) == 0


def test_search_links_to_nothing_or_to_another_role(demo: DemoConsole) -> None:
    agent = demo.agent("demo-relation_usagers")
    for slug, label in (("virement", "Virement"), ("demande", "Demande"), ("dossier", "Dossier")):
        answer = agent.get(f"/recherche/{slug}/{UNKNOWN}")
        assert answer.status_code == 404, slug
        assert f"{label} introuvable." in _text(answer)
    assert agent.get(f"/recherche/facture/{UNKNOWN}").status_code == 404
    finance = demo.agent("demo-finance")  # finance searches, but does not work the queue
    refused = finance.get(f"/recherche/demande/{UNKNOWN}")
    assert refused.status_code == 403
    assert "Votre rôle ne donne pas accès à cette page." in _text(refused)


def test_supervision_forms_refused(demo: DemoConsole) -> None:
    supervisor = demo.agent("demo-supervisor")
    with demo.session() as session:
        worker = session.scalar(select(User.id).where(User.name == "demo-relation_usagers"))
    refusals = (
        ("equipes", {"team_name": " ", "team_label": "Accueil"}, "Donnez le code et le nom"),
        ("agents", {"user": "quelqu'un"}, "Choisissez l'agent."),
        ("agents", {"user": str(worker), "team": "accueil"}, "Choisissez l'équipe."),
        ("agents", {"user": str(worker), "cap": "dix"}, "Saisissez un nombre entier"),
        ("absences", {"absent": "", "first_day": "2026-12-01"}, "Choisissez l'agent absent."),
        (
            "absences",
            {"absent": str(worker), "first_day": "lundi", "last_day": "2026-12-04"},
            "Saisissez une date valide",
        ),
    )
    before = _audit_count(demo)
    for path, form, message in refusals:
        refused = _post(supervisor, f"/file/supervision/{path}", form)
        assert refused.status_code == 422, (path, form)
        assert message in _text(refused), (path, form)
    assert _audit_count(demo) == before
