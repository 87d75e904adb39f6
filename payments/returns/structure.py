"""A strict structural check of pain.002.001.10, for want of its official XSD.

No copy of the ISO ``pain.002.001.10.xsd`` could be had offline when this was written (see
``schemas/SOURCES.md``): instead of trusting the file, every element remu reads is checked
against the ISO 20022 message definition (CustomerPaymentStatusReportV10): where it must be,
how many times, in which order among the elements read, and what its text may be (lengths,
code sets, decimal amounts with a currency, date-times). Elements remu does not read are left
to the bank. Once the official XSD is vendored, ``loading`` validates against it instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from payments.sepa.validate import XsdError

__all__ = ["check_pain002_v10"]

_NS = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"
_MAX35 = re.compile(r"^.{1,35}$", re.DOTALL)
_MAX105 = re.compile(r"^.{1,105}$", re.DOTALL)
_CODE4 = re.compile(r"^[A-Z0-9]{1,4}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_AMOUNT = re.compile(r"^\d{1,13}(\.\d{1,5})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_STATUS = frozenset(
    {"ACCC", "ACCP", "ACSC", "ACSP", "ACTC", "ACWC", "ACWP", "BLCK", "PART", "PATC", "PDNG",
     "PRES", "RCVD", "RJCT"}
)  # fmt: skip

Check = Callable[[etree._Element, str, list[XsdError]], None]


@dataclass(frozen=True, slots=True)
class _Child:
    """One element read: its name, bounds, and how to check it."""

    name: str
    minimum: int
    maximum: int | None
    check: Check


def _error(element: etree._Element, errors: list[XsdError], text: str) -> None:
    line = element.sourceline if isinstance(element.sourceline, int) else None
    errors.append(XsdError(line, f"Fichier non conforme à pain.002.001.10 (ligne {line}) : {text}"))


def _text(pattern: re.Pattern[str], what: str) -> Check:
    def check(element: etree._Element, path: str, errors: list[XsdError]) -> None:
        if len(element):
            _error(element, errors, f"{path} ne doit contenir que du texte.")
            return
        if not pattern.match(element.text or ""):
            _error(element, errors, f"{path} : {what} attendu, « {element.text or ''} » reçu.")

    return check


def _status(element: etree._Element, path: str, errors: list[XsdError]) -> None:
    if (element.text or "") not in _STATUS or len(element):
        _error(element, errors, f"{path} : statut « {element.text or ''} » inconnu.")


def _amount(element: etree._Element, path: str, errors: list[XsdError]) -> None:
    _text(_AMOUNT, "un montant décimal")(element, path, errors)
    if set(element.attrib) != {"Ccy"} or not _CURRENCY.match(element.get("Ccy", "")):
        _error(element, errors, f"{path} : l'attribut Ccy (devise ISO 4217) est obligatoire.")


def _ours(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and etree.QName(element).namespace == _NS


def _children(spec: tuple[_Child, ...]) -> Check:
    """The children of ``spec``: counted, in order among themselves, each checked."""

    def check(element: etree._Element, path: str, errors: list[XsdError]) -> None:
        names = [etree.QName(child).localname for child in element if _ours(child)]
        order = [child.name for child in spec]
        known = [name for name in names if name in order]
        if known != sorted(known, key=order.index):
            _error(element, errors, f"{path} : éléments dans le désordre ({', '.join(known)}).")
        for child in spec:
            found = [c for c in element if _ours(c) and etree.QName(c).localname == child.name]
            too_many = child.maximum is not None and len(found) > child.maximum
            if len(found) < child.minimum or too_many:
                _error(element, errors, f"{path}/{child.name} : {len(found)} occurrence(s).")
            for item in found:
                child.check(item, f"{path}/{child.name}", errors)

    return check


_REASON_CHOICE = _children(
    (
        _Child("Cd", 0, 1, _text(_CODE4, "un code")),
        _Child("Prtry", 0, 1, _text(_MAX35, "1 à 35 caractères")),
    )
)


def _reason(element: etree._Element, path: str, errors: list[XsdError]) -> None:
    found = [etree.QName(c).localname for c in element if _ours(c)]
    if found not in (["Cd"], ["Prtry"]):
        _error(element, errors, f"{path} : exactement un Cd ou un Prtry attendu.")
    _REASON_CHOICE(element, path, errors)


_REASON_INFO = _children(
    (_Child("Rsn", 0, 1, _reason), _Child("AddtlInf", 0, None, _text(_MAX105, "1 à 105 car.")))
)
_TRANSACTION = _children(
    (
        _Child("OrgnlEndToEndId", 0, 1, _text(_MAX35, "1 à 35 caractères")),
        _Child("TxSts", 0, 1, _status),
        _Child("StsRsnInf", 0, None, _REASON_INFO),
        _Child(
            "OrgnlTxRef",
            0,
            1,
            _children((_Child("Amt", 0, 1, _children((_Child("InstdAmt", 0, 1, _amount),))),)),
        ),
    )
)
_BLOCK = _children(
    (
        _Child("OrgnlPmtInfId", 1, 1, _text(_MAX35, "1 à 35 caractères")),
        _Child("PmtInfSts", 0, 1, _status),
        _Child("StsRsnInf", 0, None, _REASON_INFO),
        _Child("TxInfAndSts", 0, None, _TRANSACTION),
    )
)
_REPORT = _children(
    (
        _Child(
            "GrpHdr",
            1,
            1,
            _children(
                (
                    _Child("MsgId", 1, 1, _text(_MAX35, "1 à 35 caractères")),
                    _Child("CreDtTm", 1, 1, _text(_DATETIME, "une date et heure ISO")),
                )
            ),
        ),
        _Child(
            "OrgnlGrpInfAndSts",
            1,
            1,
            _children(
                (
                    _Child("OrgnlMsgId", 1, 1, _text(_MAX35, "1 à 35 caractères")),
                    _Child("OrgnlMsgNmId", 1, 1, _text(_MAX35, "1 à 35 caractères")),
                    _Child("GrpSts", 0, 1, _status),
                    _Child("StsRsnInf", 0, None, _REASON_INFO),
                )
            ),
        ),
        _Child("OrgnlPmtInfAndSts", 0, None, _BLOCK),
    )
)
_DOCUMENT = _children((_Child("CstmrPmtStsRpt", 1, 1, _REPORT),))


def check_pain002_v10(root: etree._Element) -> list[XsdError]:
    """Every violation of the elements remu reads in a pain.002.001.10 (empty: usable)."""
    errors: list[XsdError] = []
    if etree.QName(root).namespace != _NS or etree.QName(root).localname != "Document":
        _error(root, errors, "l'élément racine doit être Document de pain.002.001.10.")
        return errors
    if [etree.QName(c).localname for c in root if isinstance(c.tag, str)] != ["CstmrPmtStsRpt"]:
        _error(root, errors, "Document doit contenir exactement un CstmrPmtStsRpt.")
    _DOCUMENT(root, "Document", errors)
    return errors
