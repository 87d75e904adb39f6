"""Driving the console like a browser: sign in through the form, keep the cookie, send the
CSRF token found in the page."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

__all__ = ["BATCH_LINK", "csrf_of", "french_euros", "login_token_of", "sign_in"]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN = re.compile(r'name="login_token" value="([^"]+)"')

BATCH_LINK = re.compile(r'href="/finance/lots/([0-9a-f-]{36})"')
"""A link to a batch's page (a run's page lists its batches); group 1 is the batch's id."""


def french_euros(amount: Decimal) -> str:
    """An amount as the pages write it: ``1 234,50 €`` (ordinary spaces between thousands)."""
    units, _, cents = f"{amount:.2f}".partition(".")
    groups: list[str] = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{' '.join(groups)},{cents} €"


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login_token_of(html: str) -> str:
    """The login token of the sign-in form."""
    found = _LOGIN.search(html)
    assert found, "no login token in the sign-in page"
    return found.group(1)


def sign_in(client: Any, name: str, password: str, suite: str | None = None) -> Any:
    """Fill and send the sign-in form; the response (303 on success) is returned."""
    page = client.get("/connexion")
    form = {"name": name, "password": password, "login_token": login_token_of(page.text)}
    if suite is not None:
        form["suite"] = suite
    return client.post("/connexion", data=form, follow_redirects=False)
