"""The main menu: each entry is shown only to the roles that hold its permission."""

from __future__ import annotations

from dataclasses import dataclass

from api.http.console.desk import Desk

__all__ = ["MENU", "MenuEntry", "menu_for"]


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """One entry of the main menu."""

    key: str
    label: str
    href: str
    permission: str | None


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("accueil", "Accueil", "/", None),
    MenuEntry("dossiers", "Dossiers", "/dossiers", "dossiers.update"),
    MenuEntry("file", "File des demandes", "/file", "cases.read"),
    MenuEntry("supervision", "Supervision", "/file/supervision", "cases.metrics"),
    MenuEntry("paies", "Paies", "/finance/paies", "payment_runs.read"),
    MenuEntry("lots", "Lots de virements", "/finance/lots", "payment_batches.read"),
    MenuEntry("retours", "Retours de la banque", "/finance/retours", "bank_files.import"),
    MenuEntry("exports", "Exports", "/finance/exports", "exports.read"),
    MenuEntry("indus", "Trop-perçus", "/finance/indus", "overpayments.read"),
)


def menu_for(agent: Desk) -> list[MenuEntry]:
    """The entries `agent` may open."""
    return [entry for entry in MENU if entry.permission is None or agent.can(entry.permission)]
