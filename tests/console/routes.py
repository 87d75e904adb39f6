"""The console's routes and who may use them: the table the security tests walk."""

from __future__ import annotations

__all__ = ["CONSOLE_ROLES_ALL", "GET_ROUTES", "POST_ROUTES"]

CONSOLE_ROLES_ALL = frozenset({"instructor", "relation_usagers", "finance", "supervisor", "admin"})

GET_ROUTES: list[tuple[str, frozenset[str]]] = [
    ("/", CONSOLE_ROLES_ALL),
]
"""(page, roles that may open it) — every GET route of the console behind sign-in."""

POST_ROUTES: list[tuple[str, str]] = [
    ("/deconnexion", "instructor"),
]
"""(form target, a role allowed to post it) — every POST route of the console."""
