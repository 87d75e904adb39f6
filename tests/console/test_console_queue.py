"""Relation usagers' day in the console, on the demo data: the queue's tabs, take a case,
preview then apply a macro, add a note, resolve; a stale form is refused; the supervisor
assigns."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from sqlalchemy import select

from api.http.console.labels import CASE_EVENTS
from payments.models import Payment
from remuneration.cases.models import Case, CaseEntry
from remuneration.cases.services.history import EventAction
from tests.console.conftest import DemoConsole
from tests.console.support import csrf_of

_REFERENCE = re.compile(r'href="/file/demandes/(C-[0-9]{4}-[0-9]{6})"')
_VERSION = re.compile(r'name="version" value="([0-9]+)"')


def _amount(text: str) -> Decimal:
    """`−1 234,56 €` as written on a page, as a number."""
    kept = re.sub(r"[\s\u202f\u00a0€]", "", text).replace("−", "-").replace(",", ".")
    return Decimal(kept)


def _case(demo: DemoConsole, reference: str) -> Case:
    with demo.session() as session:
        case = session.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        return case


def test_take_a_case_apply_a_macro_note_and_resolve(demo: DemoConsole) -> None:
    agent = demo.agent("demo-relation_usagers")
    queue = agent.get("/file?vue=a-prendre")
    assert queue.status_code == 200
    text = re.sub(r"<[^>]+>", "", html.unescape(queue.text))
    for tab in (
        "À prendre",
        "Mes demandes",
        "En attente du stagiaire",
        "Échéance proche",
        "En retard",
        "Paiement bloqué",
    ):
        assert re.search(rf"{tab} \(\d+", text), tab
    assert "ouvrées" in text or "Sans échéance" in text  # service level as words
    found = _REFERENCE.search(queue.text)
    assert found, "no unassigned case in the demo"
    reference = found.group(1)

    page = agent.get(f"/file/demandes/{reference}")
    assert page.status_code == 200
    assert "Délais de service" in html.unescape(page.text)
    token = csrf_of(page.text)
    taken = agent.post(f"/file/demandes/{reference}/prise", data={"csrf_token": token})
    assert taken.status_code == 200
    assert "Vous avez pris la demande." in html.unescape(taken.text)
    history = html.unescape(taken.text).split('id="historique"', 1)[1]
    assert "Demande attribuée (Karim Conseiller (démo), Relation usagers)" in history  # who
    status_form = taken.text.split('action="/file/demandes/' + reference + '/statut"', 1)[1]
    targets = re.findall(r'<option value="([a-z_]+)"', status_form.split("</select>", 1)[0])
    assert targets and "merged" not in targets  # a merge has its own form naming the case kept
    assert _case(demo, reference).assignee_id is not None
    mine = agent.get("/file?vue=mes-demandes")
    assert reference in mine.text

    version = _VERSION.search(taken.text).group(1)  # type: ignore[union-attr]
    preview = agent.post(
        f"/file/demandes/{reference}/macro",
        data={"csrf_token": token, "version": version, "key": "rib_requested", "action": "apercu"},
        headers={"HX-Request": "true"},
    )
    assert preview.status_code == 200
    assert "<html" not in preview.text  # only the fragment is swapped in
    assert "Nous avons besoin de votre RIB" in preview.text
    assert reference in preview.text
    with demo.session() as session:
        entries = session.scalar(
            select(CaseEntry.id).where(CaseEntry.case_id == _case(demo, reference).id).limit(1)
        )
    assert _case(demo, reference).status != "waiting_trainee"  # a preview changes nothing
    del entries

    applied = agent.post(
        f"/file/demandes/{reference}/macro",
        data={
            "csrf_token": token,
            "version": version,
            "key": "rib_requested",
            "action": "appliquer",
        },
    )
    assert applied.status_code == 200
    assert "Macro appliquée." in html.unescape(applied.text)
    assert _case(demo, reference).status == "waiting_trainee"

    stale = agent.post(
        f"/file/demandes/{reference}/statut",
        data={"csrf_token": token, "version": version, "to": "resolved", "reason": "answered"},
    )
    assert stale.status_code == 409
    assert "modifiée depuis votre lecture" in html.unescape(stale.text)

    noted = agent.post(
        f"/file/demandes/{reference}/note",
        data={"csrf_token": token, "body": "Appel du stagiaire : RIB envoyé par courrier."},
    )
    assert "Note ajoutée." in html.unescape(noted.text)
    empty = agent.post(f"/file/demandes/{reference}/note", data={"csrf_token": token, "body": ""})
    assert empty.status_code == 422
    assert "Écrivez la note." in html.unescape(empty.text)

    version = _VERSION.search(noted.text).group(1)  # type: ignore[union-attr]
    reply = agent.post(
        f"/file/demandes/{reference}/message",
        data={
            "csrf_token": token,
            "body": "Bonjour, voici mon RIB.",
            "direction": "inbound",
            "channel": "email",
        },
    )
    assert "Message enregistré." in html.unescape(reply.text)
    if _case(demo, reference).status == "waiting_trainee":
        version = _VERSION.search(reply.text).group(1)  # type: ignore[union-attr]
        reopened = agent.post(
            f"/file/demandes/{reference}/statut",
            data={"csrf_token": token, "version": version, "to": "open", "reason": ""},
        )
        assert "Statut modifié." in html.unescape(reopened.text)
        reply = reopened
    current = _VERSION.search(reply.text).group(1)  # type: ignore[union-attr]
    without_reason = agent.post(
        f"/file/demandes/{reference}/statut",
        data={"csrf_token": token, "version": current, "to": "resolved", "reason": ""},
    )
    assert without_reason.status_code == 422
    assert "resume-erreurs" in without_reason.text
    resolved = agent.post(
        f"/file/demandes/{reference}/statut",
        data={"csrf_token": token, "version": current, "to": "resolved", "reason": "answered"},
    )
    assert "Statut modifié." in html.unescape(resolved.text), re.findall(
        r"<li><a href=\"#[^\"]+\">([^<]+)", html.unescape(resolved.text)
    )
    assert _case(demo, reference).status == "resolved"


def test_the_supervisor_assigns_and_others_may_not(demo: DemoConsole) -> None:
    supervisor = demo.agent("demo-supervisor")
    with demo.session() as session:
        reference = session.scalar(
            select(Case.reference).where(Case.status.in_(("new", "open"))).order_by(Case.reference)
        )
    assert reference is not None
    page = supervisor.get(f"/file/demandes/{reference}")
    assert "Attribuer à" in page.text
    with demo.session() as session:
        from remuneration.db.models import User

        target = session.scalar(select(User).where(User.name == "demo-relation_usagers"))
        assert target is not None
    assigned = supervisor.post(
        f"/file/demandes/{reference}/attribution",
        data={
            "csrf_token": csrf_of(page.text),
            "version": _VERSION.search(page.text).group(1),  # type: ignore[union-attr]
            "assignee": str(target.id),
        },
    )
    assert "Demande attribuée." in html.unescape(assigned.text)
    assert _case(demo, reference).assignee_id == target.id

    agent = demo.agent("demo-relation_usagers")
    page = agent.get(f"/file/demandes/{reference}")
    assert "Attribuer à" not in page.text
    refused = agent.post(
        f"/file/demandes/{reference}/attribution",
        data={"csrf_token": csrf_of(page.text), "version": "1", "assignee": ""},
    )
    assert refused.status_code == 403
    assert demo.agent("demo-finance").get(f"/file/demandes/{reference}").status_code == 403
    assert agent.get("/file/demandes/C-2020-999999").status_code == 404


def test_search_in_the_queue_answers_a_fragment_for_htmx(demo: DemoConsole) -> None:
    agent = demo.agent("demo-relation_usagers")
    full = agent.get("/file?vue=a-prendre&q=zzzz-personne")
    assert "Aucune demande dans cette vue." in full.text
    fragment = agent.get("/file?vue=a-prendre&q=zzzz", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="resultats"')


def test_the_supervisor_sees_teams_risks_and_metrics(demo: DemoConsole) -> None:
    page = demo.agent("demo-supervisor").get("/file/supervision")
    assert page.status_code == 200
    text = html.unescape(page.text)
    for heading in (
        "En retard (",
        "Échéance proche (",
        "Délais de service tenus",
        "Stock par statut",
    ):
        assert heading in text, heading
    assert re.search(r"Indicateurs des 90 derniers jours \(\d+ demandes? créées?\)", text)
    assert "(1 demandes" not in text
    rates = re.findall(r'<td class="nombre">([^<]*%)</td>', text)
    assert rates and all(re.fullmatch(r"\d+(,\d+)? %", rate) for rate in rates), rates


def test_a_case_history_reads_in_french(demo: DemoConsole) -> None:
    """Every event of a case's history has French words; none is shown as its stored code."""
    codes = {
        value
        for name, value in vars(EventAction).items()
        if name.isupper() and isinstance(value, str)
    }
    assert codes == set(CASE_EVENTS)
    agent = demo.agent("demo-relation_usagers")
    with demo.session() as session:
        reference = session.scalar(select(Case.reference).order_by(Case.reference).limit(1))
    page = html.unescape(agent.get(f"/file/demandes/{reference}").text)
    history = page.split('id="historique"', 1)[1]
    assert "Demande ouverte" in history
    assert not any(f"— {code}" in history for code in codes)


def test_a_call_about_a_payment_goes_from_the_case_to_the_dossier_in_french(
    demo: DemoConsole,
) -> None:
    """A trainee calls about a payment: the case page lists the payments in French words and
    opens the dossier's computation, where each line's month is written out too."""
    finance = demo.agent("demo-finance")
    runs = finance.get("/finance/paies")
    form = {"kind": "monthly", "period": "2026-11", "execution_date": "2026-12-02"}
    started = finance.post(  # the same month twice creates nothing: the existing run is shown
        "/finance/paies", data={**form, "csrf_token": csrf_of(runs.text)}
    )
    assert started.status_code == 200
    assert "<h1>Paie mensuelle de novembre 2026</h1>" in started.text
    assert "Paie mensuelle de novembre 2026</a>" in finance.get("/finance/paies").text
    with demo.session() as session:
        reference = session.scalar(
            select(Case.reference)
            .join(Payment, Payment.trainee_id == Case.trainee_id)
            .order_by(Case.reference)
            .limit(1)
        )
    assert reference is not None, "no case of a paid trainee in the demo"
    agent = demo.agent("demo-relation_usagers")
    page = html.unescape(agent.get(f"/file/demandes/{reference}").text)
    payments = page.split("<caption>Paiements du stagiaire</caption>", 1)[1].split("</table>")[0]
    period = r"[a-zéû]+( \d{4})?( à [a-zéû]+)? \d{4}"  # `mars à avril 2026`, `octobre 2025 à …`
    assert re.search(rf'<th scope="row">({period}|—)</th>', payments), payments
    assert not re.search(r"\d{4}-\d{2}", payments), payments  # no ISO month or day left
    opened = re.search(r'<a href="(/dossiers/[0-9a-f-]+\?onglet=calcul)">Ouvrir le dossier', page)
    assert opened, "the case page does not open the trainee's dossier"
    dossier = html.unescape(agent.get(opened.group(1)).text)
    assert "<h2" in dossier and "Calcul et décision" in dossier
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>', dossier)
    assert rows and not any(re.fullmatch(r"\d{4}-\d{2}", row) for row in rows), rows
    assert all(re.fullmatch(r"[a-zéû]+ \d{4}", row) for row in rows), rows
    # « why is it smaller? »: each transfer opens onto its lines and their explanations, which
    # add up to the amount sent
    links = re.findall(r'<a href="(/dossiers/[0-9a-f-]+)\?onglet=calcul">Ouvrir le dossier', page)
    transfers = []
    for link in links:  # the trainee's dossiers, the one paid among them
        tab = html.unescape(agent.get(f"{link}?onglet=paiements").text)
        transfers += re.findall(
            r'<td class="nombre">([^<]+)</td>\s*<td>\s*<details><summary>Ce qui compose ce virement'
            r"(.*?)</details>",
            tab,
            re.S,
        )
    assert transfers, "no transfer detail on the dossiers' payments tab"
    for amount, detail in transfers:
        parts = re.findall(r"<li>[^<]*: (−?[\d\s\u202f\u00a0]+,\d\d[\s\u202f\u00a0]€)", detail)
        assert parts and '<span class="aide">' in detail, detail  # each line explained
        assert sum(map(_amount, parts)) == _amount(amount), (amount, parts)
