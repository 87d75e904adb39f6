"""The three documents of a dossier (docs/rules.md section 2.1).

A document problem never rejects a dossier: it makes it incomplete until a good one arrives.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from itertools import filterfalse

from stdnum.fr import nir as stdnum_nir

from rules.context import Evaluation
from rules.facts import EvaluationRequest, RibDocument, Sex, Trainee, VitaleDocument
from rules.french import fr_date
from rules.iban import iban_country
from rules.reasons import ReasonCode

__all__ = [
    "check_documents",
    "compact_nir",
    "holder_matches",
    "iban_country",
    "nir_is_valid",
    "normalise_name",
]

_CIVILITIES = frozenset({"M", "MME", "MLLE", "MR", "MRS"})
_WORDS = re.compile(r"[A-Z0-9]+")
_NIR_SEX = {"1": Sex.MALE, "2": Sex.FEMALE}


def _strip_accents(text: str) -> str:
    """Compatibility decomposition with the combining marks removed (``É`` → ``E``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The same, character by character, for the Latin letters of names (U+0080 to U+024F), computed
# once: decomposition is per character and only combining marks are reordered, and they are all
# removed, so translating character by character gives the very same text.
_LATIN = {code: _strip_accents(chr(code)) for code in range(0x80, 0x250)}


def normalise_name(text: str) -> tuple[str, ...]:
    """Upper case, accents removed, punctuation as spaces, civilities dropped, as words."""
    plain = text.upper()
    if not plain.isascii():
        plain = plain.replace("Œ", "OE").replace("Æ", "AE").replace("ß", "SS").translate(_LATIN)
        if not plain.isascii():
            plain = _strip_accents(plain)
    return tuple(filterfalse(_CIVILITIES.__contains__, _WORDS.findall(plain)))


def holder_matches(holder: str, last_name: str) -> bool:
    """True when the last name's words stand in the holder, whole, consecutive and in order."""
    name = normalise_name(last_name)
    words = normalise_name(holder)
    if not name:
        return False
    size = len(name)
    return any(words[i : i + size] == name for i in range(len(words) - size + 1))


def compact_nir(nir: str) -> str:
    """The NIR without its spaces or dots, upper case (``2a`` → ``2A``)."""
    return nir.replace(" ", "").replace(".", "").upper()


def nir_is_valid(nir: str) -> bool:
    """Format and key of a NIR: 15 characters, digits but Corsica's 2A/2B, key checked by
    python-stdnum (97 − first 13 digits mod 97, 2A → 19, 2B → 18)."""
    return _compact_nir_is_valid(compact_nir(nir))


def _compact_nir_is_valid(number: str) -> bool:
    if len(number) != 15 or not number.isascii():
        return False
    department = number[5:7]
    if not (number[:5] + number[7:]).isdigit():
        return False
    if not department.isdigit() and department not in ("2A", "2B"):
        return False
    return bool(stdnum_nir.calc_check_digits(number) == number[13:])


def _identity(ev: Evaluation, req: EvaluationRequest) -> None:
    identity = req.documents.identity
    if identity is None:
        ev.need("documents.identity")
        return
    if identity.expiry_date is None:
        ev.need("documents.identity.expiry_date")
    start = req.training.start_date
    if start is None:
        ev.need("training.start_date")
    if identity.expiry_date is not None and start is not None and identity.expiry_date < start:
        ev.fail(
            ReasonCode.IDENTITY_EXPIRED,
            "documents.identity",
            f"La pièce d'identité a expiré le {fr_date(identity.expiry_date)}, avant l'entrée en "
            f"formation le {fr_date(start)}.",
        )


def _nir_contradictions(nir: str, trainee: Trainee) -> tuple[list[str], list[str]]:
    """What the NIR contradicts in the trainee's declarations, and what could not be checked."""
    problems: list[str] = []
    unknown: list[str] = []
    expected_sex = _NIR_SEX.get(nir[0])
    if expected_sex is not None:
        if trainee.sex is None:
            unknown.append("trainee.sex")
        elif trainee.sex is not expected_sex:
            problems.append("le sexe")
    birth: date | None = trainee.birth_date
    if birth is None:
        unknown.append("trainee.birth_date")
    else:
        if nir[1:3] != f"{birth.year % 100:02d}":
            problems.append("l'année de naissance")
        month = int(nir[3:5])
        if 1 <= month <= 12 and month != birth.month:
            problems.append("le mois de naissance")
    return problems, unknown


def _vitale(ev: Evaluation, vitale: VitaleDocument | None, trainee: Trainee) -> None:
    if vitale is None:
        ev.need("documents.vitale")
        return
    if vitale.nir is None:
        ev.need("documents.vitale.nir")
        return
    number = compact_nir(vitale.nir)
    if not _compact_nir_is_valid(number):
        ev.fail(
            ReasonCode.NIR_INVALID,
            "documents.vitale",
            "Le numéro de sécurité sociale de l'attestation Vitale n'est pas valide (15 caractères "
            "et clé de contrôle).",
        )
        return
    problems, unknown = _nir_contradictions(number, trainee)
    for path in unknown:
        ev.need(path)
    if problems:
        verb = "ne concordent pas" if len(problems) > 1 else "ne concorde pas"
        ev.fail(
            ReasonCode.NIR_MISMATCH,
            "documents.vitale",
            "Le numéro de sécurité sociale ne correspond pas à la personne : "
            f"{' et '.join(problems)} {verb}.",
        )


def _rib(ev: Evaluation, req: EvaluationRequest, rib: RibDocument | None) -> None:
    if rib is None:
        ev.need("documents.rib")
        return
    if rib.iban is None:
        ev.need("documents.rib.iban")
    else:
        _iban(ev, req, rib.iban)
    if rib.holder is None:
        ev.need("documents.rib.holder")
    elif req.trainee.last_name is None:
        ev.need("trainee.last_name")
    elif not holder_matches(rib.holder, req.trainee.last_name):
        ev.fail(
            ReasonCode.RIB_HOLDER_MISMATCH,
            "documents.rib",
            "Le titulaire du compte bancaire n'est pas le stagiaire : le nom de famille ne figure "
            "pas dans le nom du titulaire du RIB.",
        )


def _iban(ev: Evaluation, req: EvaluationRequest, iban: str) -> None:
    country = iban_country(iban)
    if country is None:
        ev.fail(
            ReasonCode.IBAN_INVALID,
            "documents.rib",
            "L'IBAN n'est pas valide (clé de contrôle, format du pays ou clé RIB nationale).",
        )
        return
    day = req.training.start_date or req.as_of
    countries = ev.param("sepa.countries", day)
    if country not in countries.codes:
        ev.fail(
            ReasonCode.IBAN_NOT_SEPA,
            "documents.rib",
            f"Le compte est tenu dans un pays hors de la zone SEPA ({country}) : la Région ne peut "
            f"pas y verser la rémunération ({countries.source}).",
        )


def check_documents(ev: Evaluation, req: EvaluationRequest) -> None:
    """Check the identity document, the carte Vitale attestation and the RIB."""
    _identity(ev, req)
    _vitale(ev, req.documents.vitale, req.trainee)
    _rib(ev, req, req.documents.rib)
