"""Safe loading of incoming bank XML: size cap, no DTD, no entities, XSD before use.

Bank files come from outside: a hostile or broken file must be refused before any of its
content is used. A document type declaration is refused outright (ISO 20022 messages never
carry one), external entities and the network are off, and the file must be valid against
the official XSD of the version named by its namespace (pain.002.001.10, whose XSD could not be
had: a strict structural check of every element read, ``structure.py``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from lxml import etree

from payments.returns.structure import check_pain002_v10
from payments.sepa.validate import (
    DOCTYPE_REFUSED,
    XsdError,
    has_doctype,
    load_schema,
    safe_parser,
)

__all__ = ["MAX_BANK_FILE_BYTES", "BankFileError", "LoadedMessage", "load_bank_message"]

MAX_BANK_FILE_BYTES = 50 * 1024 * 1024
_SCHEMAS = "payments.returns.schemas"
_STRUCTURAL = {"pain.002.001.10": check_pain002_v10}
"""Messages without a vendored XSD: a strict check of every element read (schemas/SOURCES.md)."""


class BankFileError(ValueError):
    """The bank file cannot be used; ``errors`` says why, in French."""

    def __init__(self, message: str, errors: list[XsdError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True, slots=True)
class LoadedMessage:
    """A validated bank message: its root element and the ISO message name (pain.002.001.03)."""

    root: etree._Element
    message_name: str

    @property
    def namespace(self) -> str:
        return f"urn:iso:std:iso:20022:tech:xsd:{self.message_name}"


def load_bank_message(data: bytes, *, accepted: frozenset[str]) -> LoadedMessage:
    """Parse and XSD-validate ``data``; ``accepted`` lists the message names allowed here."""
    if len(data) > MAX_BANK_FILE_BYTES:
        raise BankFileError("Fichier bancaire trop volumineux.")
    if has_doctype(data):
        raise BankFileError(DOCTYPE_REFUSED)
    try:
        root = etree.parse(io.BytesIO(data), safe_parser()).getroot()
    except etree.XMLSyntaxError as error:
        raise BankFileError(f"Fichier bancaire XML mal formé : {error}") from error
    namespace = etree.QName(root).namespace or ""
    name = namespace.rsplit(":", 1)[-1]
    if name not in accepted or etree.QName(root).localname != "Document":
        expected = ", ".join(sorted(accepted))
        found = name or "sans espace de noms"
        raise BankFileError(
            f"Message bancaire non pris en charge ({found}) ; attendu : {expected}."
        )
    if name in _STRUCTURAL:
        problems = _STRUCTURAL[name](root)
        if problems:
            raise BankFileError(f"Fichier bancaire non conforme au message {name}.", problems)
        return LoadedMessage(root, name)
    schema = load_schema(_SCHEMAS, f"{name}.xsd")
    if not schema.validate(root):
        errors = [
            XsdError(
                e.line, f"Fichier non conforme au schéma {name} (ligne {e.line}) : {e.message}"
            )
            for e in schema.error_log  # type: ignore[attr-defined]
        ]
        raise BankFileError(f"Fichier bancaire non conforme au schéma {name}.", errors)
    return LoadedMessage(root, name)
