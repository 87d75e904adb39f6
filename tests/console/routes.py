"""The console's routes and who may use them: the table the security tests walk."""

from __future__ import annotations

__all__ = ["CONSOLE_ROLES_ALL", "GET_ROUTES", "POST_ROUTES"]

CONSOLE_ROLES_ALL = frozenset({"instructor", "relation_usagers", "finance", "supervisor", "admin"})
_FINANCE = frozenset({"finance"})
_CASES = frozenset({"relation_usagers", "supervisor"})
_SOME_ID = "0b6f3c1e-4d7a-4c53-9a51-0f3e2f6c9d10"
_SOME_CASE = "C-2020-999999"

GET_ROUTES: list[tuple[str, frozenset[str]]] = [
    ("/", CONSOLE_ROLES_ALL),
    ("/finance/paies", _FINANCE),
    ("/finance/lots", _FINANCE),
    ("/finance/retours", _FINANCE),
    ("/finance/exports", _FINANCE),
    ("/finance/indus", frozenset({"finance", "supervisor", "relation_usagers"})),
    ("/file", _CASES),
    ("/file/supervision", frozenset({"supervisor"})),
    ("/dossiers", frozenset({"instructor", "supervisor", "relation_usagers", "finance"})),
]
"""(page, roles that may open it) — every GET route of the console behind sign-in (pages of
one object are covered by the scenario tests, with their 404)."""

POST_ROUTES: list[tuple[str, str]] = [
    ("/deconnexion", "instructor"),
    ("/finance/paies", "finance"),
    (f"/finance/lots/{_SOME_ID}/liberation", "finance"),
    (f"/finance/lots/{_SOME_ID}/annulation", "finance"),
    (f"/finance/paies/{_SOME_ID}/lettres", "finance"),
    ("/finance/retours", "finance"),
    (f"/finance/indus/{_SOME_ID}/remise", "supervisor"),
    *(
        (f"/file/demandes/{_SOME_CASE}/{action}", "relation_usagers")
        for action in ("prise", "statut", "note", "message", "macro", "fusion")
    ),
    (f"/file/demandes/{_SOME_CASE}/attribution", "supervisor"),
    *((f"/file/supervision/{what}", "supervisor") for what in ("equipes", "agents", "absences")),
    (f"/dossiers/{_SOME_ID}/decision", "instructor"),
    (f"/dossiers/{_SOME_ID}/pieces/rib", "instructor"),
    (f"/dossiers/{_SOME_ID}/pieces/identite", "instructor"),
    (f"/dossiers/{_SOME_ID}/pieces/vitale", "instructor"),
    (f"/dossiers/{_SOME_ID}/stagiaire", "instructor"),
    ("/recherche", "relation_usagers"),
]
"""(form target, a role allowed to post it) — every POST route of the console."""
