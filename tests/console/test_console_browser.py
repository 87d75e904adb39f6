"""The console in a real browser (Debian's Chromium through Playwright): one walk per role on
the demo data, axe-core on every page, no CSP refusal, keyboard use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.demo import demo_password
from remuneration.services.context import Role
from tests.console.browser import (
    LiveServer,
    assert_accessible,
    launch_chromium,
    needs_chromium,
    watch_console,
)
from tests.console.conftest import DemoConsole

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def server(demo: DemoConsole) -> Iterator[LiveServer]:
    with LiveServer(demo.app) as live:
        yield live


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def _signed_in_page(chromium: Any, server: LiveServer, role: Role) -> tuple[Any, list[str]]:
    context = chromium.new_context(base_url=server.url, locale="fr-FR")
    page = context.new_page()
    errors = watch_console(page)
    page.goto("/")
    assert page.url.endswith("/connexion")
    assert_accessible(page)
    page.get_by_label("Identifiant").fill(f"demo-{role.value}")
    page.get_by_label("Mot de passe").fill(demo_password(role))
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
