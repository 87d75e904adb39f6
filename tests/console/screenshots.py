"""`make screenshots`: the console's pages per role on a fresh demo database, as PNG files in
var/screenshots/ (Debian's Chromium through Playwright, 1280 px wide, full pages).

Run from the repository root: `python -m tests.console.screenshots`.
"""

from __future__ import annotations

import base64
import re
import secrets
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.cli.main import load_demo_data
from api.http.app import create_app
from api.settings import Settings
from remuneration.db.migrate import upgrade
from remuneration.db.session import sqlite_file_url
from tests.console.browser import CHROMIUM, LiveServer, launch_chromium
from tests.dbsupport import MutableClock

OUT = Path("var/screenshots")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

PAGES: dict[str, list[tuple[str, str]]] = {
    "instructor": [
        ("accueil", "/"),
        ("dossiers", "/dossiers?onglet=incomplets"),
        ("dossier-calcul", "dossier:calcul"),
        ("dossier-pieces", "dossier:pieces"),
        ("dossier-donnees", "dossier:donnees"),
        ("recherche", "search"),
    ],
    "relation_usagers": [("file", "/file?vue=mes-demandes"), ("demande", "case")],
    "finance": [
        ("paies", "/finance/paies"),
        ("lots", "/finance/lots"),
        ("lot", "batch"),
        ("exports", "/finance/exports?periode=2026-11&rapprochement=oui"),
    ],
    "supervisor": [("trop-percus", "/finance/indus"), ("supervision", "/file/supervision")],
}


def _sign_in(page: Any, name: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(f"remu-{name}")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))


def _resolve(page: Any, target: str) -> str:
    if target.startswith("dossier:"):
        page.goto("/dossiers?onglet=incomplets")
        href = page.locator("tbody a[href^='/dossiers/']").first.get_attribute("href")
        return f"{href}?onglet={target.split(':')[1]}"
    if target == "case":
        page.goto("/file?vue=mes-demandes")
        return str(page.locator("tbody a[href^='/file/demandes/']").first.get_attribute("href"))
    if target == "search":
        page.goto("/dossiers?onglet=incomplets")
        name = page.locator("tbody a[href^='/dossiers/']").first.inner_text()
        page.get_by_role("searchbox", name=re.compile("^Rechercher")).fill(name)
        page.get_by_role("search").get_by_role("button", name="Rechercher").click()
        page.get_by_role("heading", name="Recherche", level=1).wait_for()
        return ""
    if target == "batch":
        return str(page.locator("a[href^='/finance/lots/']").first.get_attribute("href"))
    return target


def _finance_run(page: Any) -> None:
    page.goto("/finance/paies")
    page.get_by_role("radio", name="Paie mensuelle").check()
    page.get_by_label("Période").fill("2026-11")
    page.get_by_label("Date d'exécution demandée à la banque").fill("2026-12-02")
    page.get_by_role("button", name="Lancer la paie").click()
    page.get_by_role("heading", name="Paie mensuelle de novembre 2026").wait_for()


def main() -> int:
    if not CHROMIUM.exists():
        print("Chromium absent : apt-get install -y chromium", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        url = sqlite_file_url(Path(directory) / "screens.sqlite3")
        settings = Settings(
            database_url=url,
            jwt_secret=secrets.token_urlsafe(48),
            data_key=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            document_store_dir=Path(directory) / "documents",
            log_json=False,
        )
        upgrade(url)
        load_demo_data(settings, trainees=60, seed=2024, now=NOW)
        app = create_app(settings, clock=MutableClock(NOW))
        with LiveServer(app) as server, launch_chromium() as browser:
            context = browser.new_context(
                base_url=server.url, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            page.goto("/connexion")
            page.screenshot(path=OUT / "connexion.png", full_page=True)
            for role, pages in PAGES.items():
                _sign_in(page, f"demo-{role}")
                if role == "finance":
                    _finance_run(page)
                for name, target in pages:
                    address = _resolve(page, target)
                    if address:
                        page.goto(address)
                    page.screenshot(path=OUT / f"{role}-{name}.png", full_page=True)
                page.get_by_role("button", name="Se déconnecter").click()
            page.goto("/docs")
            page.get_by_role("button", name="Authorize").wait_for()
            page.screenshot(path=OUT / "docs.png")
    print(f"Captures écrites dans {OUT}/ : {len(list(OUT.glob('*.png')))} fichiers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
