"""Field-level EPC rules shared by the model check and the file check.

The XSD accepts files that banks refuse (a 35-character id with ``//``, an amount with five
decimals, a name in Cyrillic, a New Caledonian IBAN...). These functions encode the EPC
customer-to-bank implementation guidelines for one value each and answer with stable rule
codes and French messages, so that the same rule gives the same answer whether it runs on the
model before writing or on the written file.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection, Container
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from schwifty.exceptions import NationalChecksumNotVerified

from payments.sepa.charset import (
    NAME_MAX_LENGTH,
    REMITTANCE_MAX_LENGTH,
    first_invalid_character,
)
from payments.sepa.reference import is_target2_business_day, sepa_countries
from rules.french import fr_date
from rules.iban import iban_country

__all__ = [
    "GROUPING_MESSAGE",
    "MAX_AMOUNT",
    "MIN_AMOUNT",
    "EpcViolation",
    "IbanChecker",
    "Problem",
    "RuleCode",
    "address_problems",
    "amount_problems",
    "category_purpose_problems",
    "execution_date_problems",
    "identifier_problems",
    "name_problems",
    "remittance_problems",
    "text_problems",
]

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
_ID_MAX_LENGTH = 35
_TOWN_MAX_LENGTH = 35
_ADDRESS_LINE_MAX_LENGTH = 70
_MAX_ADDRESS_LINES = 2
_COUNTRY = re.compile(r"[A-Z]{2}")
_CATEGORY_PURPOSE = re.compile(r"[A-Z]{4}")
_COMPACT_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


class RuleCode(StrEnum):
    """Stable codes of the EPC rules; tests, cases and screens rely on them."""

    XML_DECLARATION = "EPC_XML_DECLARATION"
    XML_MALFORMED = "EPC_XML_MALFORMED"
    XSD_INVALID = "EPC_XSD_INVALID"
    BOM = "EPC_BOM"
    NAMESPACE = "EPC_NAMESPACE"
    MSGID_FORMAT = "EPC_MSGID_FORMAT"
    MSGID_ALREADY_USED = "EPC_MSGID_ALREADY_USED"
    PMTINFID_FORMAT = "EPC_PMTINFID_FORMAT"
    PMTINFID_DUPLICATE = "EPC_PMTINFID_DUPLICATE"
    INSTRID_FORMAT = "EPC_INSTRID_FORMAT"
    ENDTOENDID_FORMAT = "EPC_ENDTOENDID_FORMAT"
    ENDTOENDID_DUPLICATE = "EPC_ENDTOENDID_DUPLICATE"
    ENDTOENDID_ALREADY_USED = "EPC_ENDTOENDID_ALREADY_USED"
    NBOFTXS_GRPHDR = "EPC_NBOFTXS_GRPHDR"
    CTRLSUM_GRPHDR = "EPC_CTRLSUM_GRPHDR"
    NBOFTXS_PMTINF = "EPC_NBOFTXS_PMTINF"
    CTRLSUM_PMTINF = "EPC_CTRLSUM_PMTINF"
    PMTINF_GROUPING = "EPC_PMTINF_GROUPING"
    PMTMTD = "EPC_PMTMTD"
    BTCHBOOKG = "EPC_BTCHBOOKG"
    SVCLVL = "EPC_SVCLVL"
    CHRGBR = "EPC_CHRGBR"
    CTGYPURP = "EPC_CTGYPURP"
    DBTRAGT = "EPC_DBTRAGT"
    EXECUTION_DATE_PAST = "EPC_EXECUTION_DATE_PAST"
    EXECUTION_DATE_CLOSED = "EPC_EXECUTION_DATE_CLOSED"
    CURRENCY = "EPC_CURRENCY"
    AMOUNT_DECIMALS = "EPC_AMOUNT_DECIMALS"
    AMOUNT_RANGE = "EPC_AMOUNT_RANGE"
    NAME_LENGTH = "EPC_NAME_LENGTH"
    REMITTANCE_LENGTH = "EPC_REMITTANCE_LENGTH"
    REMITTANCE_COUNT = "EPC_REMITTANCE_COUNT"
    CHARSET = "EPC_CHARSET"
    ADDRESS_INCOMPLETE = "EPC_ADDRESS_INCOMPLETE"
    ADDRESS_LINES = "EPC_ADDRESS_LINES"
    IBAN_INVALID = "EPC_IBAN_INVALID"
    IBAN_COUNTRY = "EPC_IBAN_COUNTRY"


@dataclass(frozen=True, slots=True)
class EpcViolation:
    """One broken rule: code, French message, where (element path) and which transaction."""

    code: RuleCode
    message: str
    path: str
    end_to_end_id: str | None = None


Problem = tuple[RuleCode, str]

GROUPING_MESSAGE = (
    "Deux blocs PmtInf partagent le même compte débiteur, la même date d'exécution, le même "
    "mode de comptabilisation et la même catégorie : ils doivent être regroupés."
)

_ID_CODES = {
    "MsgId": RuleCode.MSGID_FORMAT,
    "PmtInfId": RuleCode.PMTINFID_FORMAT,
    "InstrId": RuleCode.INSTRID_FORMAT,
    "EndToEndId": RuleCode.ENDTOENDID_FORMAT,
}


def identifier_problems(value: str, element: str) -> list[Problem]:
    """MsgId, PmtInfId, InstrId, EndToEndId: 1-35 EPC characters, no leading/trailing or
    double slash (banks use ``/`` as a separator in their own references)."""
    code = _ID_CODES[element]
    if not 1 <= len(value) <= _ID_MAX_LENGTH:
        return [(code, f"L'identifiant {element} doit compter de 1 à 35 caractères.")]
    bad = first_invalid_character(value)
    if bad is not None:
        return [(code, f"L'identifiant {element} contient le caractère interdit « {bad} ».")]
    if value.startswith("/") or value.endswith("/") or "//" in value:
        return [
            (
                code,
                f"L'identifiant {element} ne peut ni commencer ni finir par « / » "
                "ni contenir « // ».",
            )
        ]
    return []


def amount_problems(amount: Decimal) -> list[Problem]:
    """EUR amounts from 0.01 to 999 999 999.99, with at most two decimals."""
    if not amount.is_finite() or amount != amount.quantize(MIN_AMOUNT):
        return [
            (RuleCode.AMOUNT_DECIMALS, f"Le montant {amount} doit avoir deux décimales au plus.")
        ]
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        return [
            (
                RuleCode.AMOUNT_RANGE,
                f"Le montant {amount} doit être compris entre 0,01 et 999 999 999,99 €.",
            )
        ]
    return []


def parse_amount(text: str | None) -> Decimal | None:
    """The amount written in a file, or None when it is not a decimal number."""
    try:
        return Decimal(text or "")
    except InvalidOperation:
        return None


def text_problems(value: str, element: str) -> list[Problem]:
    bad = first_invalid_character(value)
    if bad is None:
        return []
    return [(RuleCode.CHARSET, f"Le champ {element} contient le caractère hors jeu EPC « {bad} ».")]


def name_problems(value: str, element: str, *, charset: bool = True) -> list[Problem]:
    """Names: 1 to 70 characters (the XSD allows 140), in the EPC set unless ``charset`` is
    False (the file check judges every text node once, in one place)."""
    if not 1 <= len(value) <= NAME_MAX_LENGTH:
        return [(RuleCode.NAME_LENGTH, f"Le nom ({element}) doit compter de 1 à 70 caractères.")]
    return text_problems(value, element) if charset else []


def remittance_problems(value: str, *, charset: bool = True) -> list[Problem]:
    if not 1 <= len(value) <= REMITTANCE_MAX_LENGTH:
        return [
            (
                RuleCode.REMITTANCE_LENGTH,
                "Le libellé du virement (Ustrd) doit compter de 1 à 140 caractères.",
            )
        ]
    return text_problems(value, "Ustrd") if charset else []


def address_problems(town: str | None, country: str | None, lines: list[str]) -> list[Problem]:
    """Structured or hybrid address: town and country at least, at most two address lines."""
    problems: list[Problem] = []
    if not town or len(town) > _TOWN_MAX_LENGTH or not country or not _COUNTRY.fullmatch(country):
        problems.append(
            (
                RuleCode.ADDRESS_INCOMPLETE,
                "L'adresse du bénéficiaire doit indiquer la ville (35 caractères au plus) et le "
                "code pays ISO ; les adresses non structurées sont refusées.",
            )
        )
    too_long = lines and any(not 1 <= len(line) <= _ADDRESS_LINE_MAX_LENGTH for line in lines)
    if len(lines) > _MAX_ADDRESS_LINES or too_long:
        problems.append(
            (RuleCode.ADDRESS_LINES, "L'adresse hybride admet au plus 2 lignes de 70 caractères.")
        )
    return problems


def execution_date_problems(day: date, today: date) -> list[Problem]:
    """The requested execution date: not in the past, and a TARGET2 business day."""
    if day < today:
        return [
            (RuleCode.EXECUTION_DATE_PAST, f"La date d'exécution du {fr_date(day)} est passée.")
        ]
    if not is_target2_business_day(day):
        return [
            (
                RuleCode.EXECUTION_DATE_CLOSED,
                f"La date d'exécution du {fr_date(day)} n'est pas un jour ouvré TARGET2.",
            )
        ]
    return []


def category_purpose_problems(code: str | None) -> list[Problem]:
    if code is None or not _CATEGORY_PURPOSE.fullmatch(code):
        return [
            (
                RuleCode.CTGYPURP,
                "Le code catégorie (CtgyPurp/Cd) doit être un code ISO de 4 lettres.",
            )
        ]
    return []


_LETTER_DIGITS = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})


def _iso_check_digits_ok(iban: str) -> bool:
    """ISO 13616 / ISO 7064 MOD 97-10 on a compact upper-case IBAN."""
    return int((iban[4:] + iban[:4]).translate(_LETTER_DIGITS)) % 97 == 1


def _schwifty_ok(iban: str) -> bool:
    """The rules' RIB check: schwifty's answer, with its fast path for FR and MC IBANs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NationalChecksumNotVerified)
        return iban_country(iban) is not None


class IbanChecker:
    """IBAN check with the national key (schwifty, ``validate_bban=True``) and SEPA scope.

    Results are memoised: the model check before writing and the file check after it see the
    same IBANs, and schwifty costs some 20-30 µs an IBAN. One checker belongs to one run.

    ``already_verified`` holds IBANs whose national key was checked with schwifty when the RIB
    was verified (the database says so): for them the national-key step is not repeated, but
    the format, the ISO 7064 check digits and the SEPA scope still are, so a file corrupted
    after the fact is still caught.
    """

    def __init__(
        self,
        *,
        on: date,
        already_verified: Container[str] = frozenset(),
        countries: Collection[str] | None = None,
    ) -> None:
        # ``countries``: the SEPA scheme list in force, when the caller holds it (the rules'
        # ``sepa.countries`` parameter); otherwise the list bundled with this package.
        self._countries = frozenset(countries) if countries is not None else sepa_countries(on)
        self._verified = already_verified
        # Tuples, not lists: 100 000 cached results must not feed the cyclic garbage collector.
        self._results: dict[str, tuple[Problem, ...]] = {}

    def problems(self, iban: str, element: str) -> list[Problem]:
        found = self._results.get(iban)
        if found is None:
            found = self._results[iban] = tuple(self._check(iban))
        if not found:
            return []
        return [(code, f"{message} ({element})") for code, message in found]

    def _check(self, iban: str) -> list[Problem]:
        invalid = [
            (RuleCode.IBAN_INVALID, f"L'IBAN {iban} est invalide (format ou clé de contrôle)")
        ]
        if not _COMPACT_IBAN.fullmatch(iban):
            return invalid
        if iban in self._verified:
            if not _iso_check_digits_ok(iban):
                return invalid
        elif not _schwifty_ok(iban):
            return invalid
        if iban[:2] not in self._countries:
            return [(RuleCode.IBAN_COUNTRY, f"L'IBAN {iban} relève d'un pays hors de la zone SEPA")]
        return []
