"""The console in a real browser (Debian's Chromium through Playwright): one walk per role on
the demo data, axe-core on every page, no CSP refusal, keyboard use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from remuneration.demo.loader import SECOND_FINANCE
from remuneration.services.context import Role
from tests.console.browser import (
    LiveServer,
    assert_accessible,
    launch_chromium,
    needs_chromium,
    watch_console,
)
from tests.console.conftest import DemoConsole
from tests.payments.bankfiles import pain002

pytestmark = [pytest.mark.browser, needs_chromium]

_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(scope="module")
def server(demo: DemoConsole) -> Iterator[LiveServer]:
    with LiveServer(demo.app) as live:
        yield live


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def _signed_in_page(
    chromium: Any, server: LiveServer, role: Role, name: str | None = None
) -> tuple[Any, list[str]]:
    context = chromium.new_context(base_url=server.url, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    errors = watch_console(page)
    page.goto("/")
    assert page.url.endswith("/connexion")
    assert_accessible(page)
    name = name or f"demo-{role.value}"
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(f"remu-{name}")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server.url}/")
    return page, errors


def test_sign_in_home_and_statement_pages_are_accessible_with_no_csp_refusal(
    chromium: Any, server: LiveServer
) -> None:
    page, errors = _signed_in_page(chromium, server, Role.SUPERVISOR)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")
    assert_accessible(page)
    page.get_by_role("link", name="Accessibilité : partiellement conforme").click()
    page.wait_for_url(f"{server.url}/accessibilite")
    assert_accessible(page)
    page.goto("/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{server.url}/connexion?fin=1")
    assert page.get_by_text("Vous êtes déconnecté.").is_visible()
    assert errors == []


def test_the_skip_link_is_first_and_the_focus_is_visible(chromium: Any, server: LiveServer) -> None:
    page, _ = _signed_in_page(chromium, server, Role.FINANCE)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Aller au contenu"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_the_api_documentation_loads_offline_and_authorize_is_offered(
    chromium: Any, server: LiveServer
) -> None:
    context = chromium.new_context(base_url=server.url, locale="fr-FR")
    page = context.new_page()
    errors = watch_console(page)
    page.route(
        "**/*",
        lambda route: (
            route.abort() if not route.request.url.startswith(server.url) else route.continue_()
        ),
    )
    page.goto("/docs")
    page.get_by_role("button", name="Authorize").wait_for(timeout=15000)
    assert page.get_by_text("remu — rémunération des stagiaires").first.is_visible()
    assert [error for error in errors if "Content Security Policy" in error] == []


def test_finance_runs_the_month_a_colleague_releases_and_downloads(
    chromium: Any, server: LiveServer
) -> None:
    page, errors = _signed_in_page(chromium, server, Role.FINANCE)
    page.get_by_role("link", name="Paies").click()
    assert_accessible(page)
    page.get_by_role("radio", name="Paie mensuelle").check()
    page.get_by_label("Période").fill("2026-11")
    page.get_by_label("Date d'exécution demandée à la banque").fill("2026-12-02")
    page.get_by_role("button", name="Lancer la paie").click()
    page.get_by_role("heading", name="Paie mensuelle de novembre 2026").wait_for()
    assert_accessible(page)
    page.locator("a[href^='/finance/lots/']").first.click()
    page.get_by_text("Vous avez préparé ce lot").wait_for()
    assert_accessible(page)
    batch_url = page.url
    header = page.get_by_role("row", name=re.compile("En-tête du fichier"))
    count, total = (cell.strip() for cell in header.locator("td").all_inner_texts())
    for path in ("/finance/lots", "/finance/retours", "/finance/exports", "/finance/indus"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/finance/exports")
    page.get_by_label("Mois").fill("novembre")
    page.get_by_role("button", name="Voir les paies du mois").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)  # the error summary and the invalid field

    colleague, colleague_errors = _signed_in_page(chromium, server, Role.FINANCE, SECOND_FINANCE)
    colleague.goto(batch_url)
    colleague.get_by_label("Nombre de virements").fill(count)
    colleague.get_by_label("Somme de contrôle en euros").fill("1,00")
    colleague.get_by_role("button", name="Libérer le lot").click()
    colleague.get_by_role("alert").wait_for()
    assert_accessible(colleague)
    colleague.get_by_role("link", name=re.compile("ne sont pas ceux")).click()
    assert colleague.evaluate("document.activeElement.id") == "control_sum"
    colleague.get_by_label("Somme de contrôle en euros").fill(total)
    colleague.get_by_role("button", name="Libérer le lot").click()
    colleague.get_by_text("Lot libéré").wait_for()
    assert_accessible(colleague)
    with colleague.expect_download() as download:
        colleague.get_by_role("link", name="Télécharger le fichier pain.001").click()
    assert download.value.suggested_filename.endswith(".xml")
    sent = etree.parse(download.value.path())
    ns = {"p": sent.getroot().nsmap[None]}
    message_id = str(sent.findtext(".//p:GrpHdr/p:MsgId", namespaces=ns))
    first = sent.find(".//p:CdtTrfTxInf", namespaces=ns)
    assert first is not None
    e2e = str(first.findtext("p:PmtId/p:EndToEndId", namespaces=ns))
    amount = Decimal(str(first.findtext("p:Amt/p:InstdAmt", namespaces=ns)))
    colleague.get_by_role("link", name="Retours de la banque").click()
    colleague.get_by_label(re.compile("^Fichier de la banque")).set_input_files(
        files=[
            {
                "name": "rejets.xml",
                "mimeType": "application/xml",
                "buffer": pain002("REJ-NAVIGATEUR-1", message_id, [(e2e, amount, "AC04")]),
            }
        ]
    )
    colleague.get_by_role("button", name="Importer le fichier").click()
    colleague.get_by_text("Fichier importé : 1 rejet").wait_for()
    assert_accessible(colleague)
    page.goto(page.url)
    page.get_by_role("link", name="Paies", exact=True).click()
    page.locator("tbody a[href^='/finance/paies/']").first.click()
    with page.expect_download() as letters:
        page.get_by_role("button", name="Produire les lettres de la paie (ZIP)").click()
    assert letters.value.suggested_filename == "lettres-paie-2026-11.zip"
    assert errors == [] and colleague_errors == []


def _tab_to(page: Any, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text or label contains `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if text in focused:
            return
    raise AssertionError(f"« {text} » not reached with the keyboard")


def test_relation_usagers_take_a_case_preview_and_apply_a_macro(
    chromium: Any, server: LiveServer
) -> None:
    page, errors = _signed_in_page(chromium, server, Role.RELATION_USAGERS)
    page.get_by_role("link", name="File des demandes").click()
    page.get_by_role("heading", name="File des demandes").wait_for()
    assert_accessible(page)
    first_case = page.locator("a[href^='/file/demandes/']").first
    reference = first_case.inner_text()
    first_case.click()
    page.get_by_role("heading", name=re.compile(f"Demande {reference}")).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Prendre la demande").click()
    page.get_by_text("Vous avez pris la demande.").wait_for()
    page.get_by_text("Appliquer une macro").click()
    page.get_by_label("Macro", exact=True).select_option("rib_requested")
    before = page.url
    page.get_by_role("button", name="Prévisualiser").click()
    page.locator("#apercu").get_by_text("Nous avons besoin de votre RIB").wait_for()
    assert page.url == before  # htmx swapped the preview in, no navigation
    assert page.locator("#apercu").get_attribute("aria-live") == "polite"
    assert_accessible(page)
    page.get_by_role("button", name="Appliquer la macro").click()
    page.get_by_text("Macro appliquée.").wait_for()
    assert page.get_by_text("en attente du stagiaire").first.is_visible()
    assert_accessible(page)
    page.locator("summary", has_text="Changer le statut").click()
    page.get_by_label("Nouveau statut").select_option("open")  # the trainee sent the RIB
    page.get_by_role("button", name="Changer le statut").click()
    page.get_by_text("Statut modifié.").wait_for()
    page.locator("summary", has_text="Changer le statut").click()
    page.get_by_label("Nouveau statut").select_option("resolved")
    page.get_by_label(re.compile("^Motif de résolution")).select_option(index=1)
    page.get_by_role("button", name="Changer le statut").click()
    page.get_by_text("Statut modifié.").wait_for()
    assert (
        page.get_by_text("Résolue").first.is_visible()
        or page.get_by_text("résolu").first.is_visible()
    )
    assert_accessible(page)
    assert errors == []


def test_the_queue_works_with_the_keyboard_only(chromium: Any, server: LiveServer) -> None:
    page, errors = _signed_in_page(chromium, server, Role.RELATION_USAGERS)
    _tab_to(page, "File des demandes")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="File des demandes").wait_for()
    _tab_to(page, "Mes demandes")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("vue=mes-demandes"))
    reference = page.locator("tbody a[href^='/file/demandes/']").first.inner_text()
    _tab_to(page, reference)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=re.compile(f"Demande {reference}")).wait_for()
    _tab_to(page, "Ajouter une note interne")
    page.keyboard.press("Enter")  # opens the <details>
    page.keyboard.press("Tab")
    page.keyboard.type("Rappel fait au clavier seul.")
    _tab_to(page, "Ajouter la note")
    page.keyboard.press("Enter")
    page.get_by_text("Note ajoutée.").wait_for()
    assert page.get_by_text("Rappel fait au clavier seul.").is_visible()
    assert errors == []


def test_instructor_finds_a_dossier_records_a_rib_decides_and_opens_the_letter(
    chromium: Any, server: LiveServer
) -> None:
    page, errors = _signed_in_page(chromium, server, Role.INSTRUCTOR)
    assert_accessible(page)  # the home page with its counters
    page.get_by_role("link", name="Dossiers", exact=True).click()
    page.get_by_role("link", name=re.compile("^Incomplets")).click()
    page.wait_for_url(re.compile("onglet=incomplets"))
    assert_accessible(page)
    page.get_by_label("Pièces manquantes ou non vérifiées").check()
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Retirer le filtre Pièces manquantes").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Retirer le filtre Pièces manquantes").click()
    page.locator("tbody a[href^='/dossiers/']").first.click()
    page.get_by_role("heading", name=re.compile("^Dossier de ")).wait_for()
    dossier_url = page.url
    for tab in ("Données", "Pièces", "Calcul et décision", "Paiements", "Échanges", "Historique"):
        page.get_by_role("navigation", name="Parties du dossier").get_by_role(
            "link", name=tab, exact=True
        ).click()
        page.get_by_role("heading", name=tab, exact=True, level=2).wait_for()
        assert_accessible(page)
    name = page.get_by_role("heading", level=1).inner_text().removeprefix("Dossier de ")
    page.goto("/")
    page.get_by_role("searchbox", name=re.compile("^Rechercher")).fill(name.lower())
    page.get_by_role("search").get_by_role("button", name="Rechercher").click()
    page.get_by_role("heading", name="Recherche", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("table").get_by_role("link").first.click()
    page.get_by_role("heading", name=re.compile("^Dossier de ")).wait_for()
    assert page.url.split("?")[0] == dossier_url.split("?")[0]
    born = page.get_by_label("Date de naissance")
    old_birth = born.input_value()
    new_birth = f"{int(old_birth[:4]) - 1}{old_birth[4:8]}01"
    born.fill(new_birth)
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.get_by_text(re.compile("^Fiche du stagiaire corrigée")).wait_for()
    assert page.get_by_label("Date de naissance").input_value() == new_birth
    assert_accessible(page)
    page.get_by_role("link", name="Historique", exact=True).click()
    page.get_by_role("cell", name="Identité du stagiaire modifiée (date de naissance)").wait_for()
    page.goto(f"{dossier_url}?onglet=pieces")
    page.locator("#fichier-rib").set_input_files(
        files=[{"name": "rib.pdf", "mimeType": "application/pdf", "buffer": _PDF}]
    )
    page.get_by_role("textbox", name=re.compile("^IBAN")).fill("FR76 3000 4000 0312 3456 7890 143")
    page.get_by_label("Titulaire du compte").fill(name.upper())
    page.get_by_label("Motif du changement").fill("RIB remis au guichet")
    page.locator("#rib-verified").check()
    page.get_by_role("button", name="Enregistrer le RIB").click()
    page.get_by_text("RIB enregistré.").wait_for()
    assert page.locator("iframe[src$='/pieces/rib/fichier']").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="Calcul et décision", exact=True).click()
    page.get_by_role("button", name="Décider avec les faits enregistrés").click()
    page.get_by_text("Décision enregistrée.").wait_for()
    assert_accessible(page)
    letter = page.context.request.get(
        page.get_by_role("link", name="Voir la lettre de décision (PDF)").get_attribute("href")
        or ""
    )
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
    assert errors == []


def test_pages_reflow_at_200_percent_zoom(chromium: Any, server: LiveServer) -> None:
    """WCAG 1.4.10: at 200 % zoom of a 1280 px window (640 CSS px) nothing needs a horizontal
    scroll of the page (wide tables scroll inside their own box)."""
    page, errors = _signed_in_page(chromium, server, Role.SUPERVISOR)
    page.set_viewport_size({"width": 640, "height": 900})
    for path in ("/", "/dossiers?onglet=tous", "/file?vue=a-prendre", "/file/supervision"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
    assert errors == []


def test_a_supervisor_records_an_absence(chromium: Any, server: LiveServer) -> None:
    page, errors = _signed_in_page(chromium, server, Role.SUPERVISOR)
    page.get_by_role("link", name="Supervision").click()
    page.get_by_role("heading", name="Supervision de la file").wait_for()
    page.locator("summary", has_text="Enregistrer une absence").click()
    page.get_by_label("Agent absent").select_option(index=1)
    page.get_by_label("Premier jour d'absence").fill("2026-12-28")
    page.get_by_label("Dernier jour d'absence").fill("2026-12-24")
    page.get_by_role("button", name="Enregistrer l'absence").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)  # the error summary and the fields named
    page.get_by_label("Dernier jour d'absence").fill("2026-12-31")
    page.get_by_role("button", name="Enregistrer l'absence").click()
    page.get_by_text("Absence enregistrée").wait_for()
    assert_accessible(page)
    assert errors == []
