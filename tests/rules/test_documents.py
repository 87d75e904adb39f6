"""The three documents (docs/rules.md section 2.1): a problem makes the dossier incomplete."""

from __future__ import annotations

import re
import unicodedata

import pytest

from rules import Decision
from rules.documents import holder_matches, nir_is_valid, normalise_name
from tests.builders import codes, iban_with_check, nir_with_key, request, run


def test_identity_missing_or_expired() -> None:
    missing = run(request(documents__identity=None))
    assert missing.decision is Decision.INCOMPLETE
    assert missing.missing == ("documents.identity",)
    expired = run(request(documents__identity={"expiry_date": "2024-03-10"}))
    assert expired.decision is Decision.INCOMPLETE
    assert codes(expired) == [("IDENTITY_EXPIRED", "documents.identity")]
    on_start_day = run(request(documents__identity={"expiry_date": "2024-03-11"}))
    assert on_start_day.decision is Decision.GRANTED
    unknown_expiry = run(request(documents__identity={}))
    assert unknown_expiry.missing == ("documents.identity.expiry_date",)


def test_documents_absent_object_means_not_received() -> None:
    result = run(request(documents=...))
    assert result.missing == ("documents.identity", "documents.vitale", "documents.rib")
    assert result.decision is Decision.INCOMPLETE


def test_a_document_problem_never_rejects() -> None:
    result = run(request(documents__vitale__nir="290057654012388"))
    assert result.decision is Decision.INCOMPLETE
    assert codes(result) == [("NIR_INVALID", "documents.vitale")]


@pytest.mark.parametrize(
    "nir",
    [
        nir_with_key("2900576540123"),
        nir_with_key("2902076540123"),  # month 20: a legal placeholder
        nir_with_key("2904276540123"),  # month 42
        nir_with_key("2909976540123"),  # month 99
        nir_with_key("29005" + "2A" + "540123"),  # Corsica 2A
        nir_with_key("29005" + "2B" + "540123"),  # Corsica 2B
        nir_with_key("2900599540123"),  # born abroad (99)
    ],
)
def test_valid_nirs(nir: str) -> None:
    assert nir_is_valid(nir)
    assert run(request(documents__vitale__nir=nir)).decision is Decision.GRANTED


def test_corsica_key_uses_19_and_18() -> None:
    for department, stands_for in (("2A", "19"), ("2B", "18")):
        valid = nir_with_key(f"29005{department}540123")
        naive = f"{97 - int('29005' + '20' + '540123') % 97:02d}"
        assert (
            valid
            == f"29005{department}540123" + f"{97 - int('29005' + stands_for + '540123') % 97:02d}"
        )
        assert nir_is_valid(valid)
        if naive != valid[-2:]:
            assert not nir_is_valid(f"29005{department}540123{naive}")


@pytest.mark.parametrize(
    "nir",
    ["29005765401238", "2900576540123877", "29005X6540123 87", "290057654012300", "", "2A"],
)
def test_invalid_nirs(nir: str) -> None:
    result = run(request(documents__vitale__nir=nir))
    assert codes(result) == [("NIR_INVALID", "documents.vitale")]


@pytest.mark.parametrize(
    ("nir", "what"),
    [
        (nir_with_key("1900576540123"), "le sexe"),
        (nir_with_key("2910576540123"), "l'année de naissance"),
        (nir_with_key("2900676540123"), "le mois de naissance"),
    ],
)
def test_nir_mismatch(nir: str, what: str) -> None:
    result = run(request(documents__vitale__nir=nir))
    assert codes(result) == [("NIR_MISMATCH", "documents.vitale")]
    assert what in result.reasons[0].message


def test_temporary_nir_does_not_check_sex() -> None:
    nir = nir_with_key("7900576540123")
    assert run(request(documents__vitale__nir=nir)).decision is Decision.GRANTED


def test_nir_check_needs_the_sex_when_the_first_digit_says_it() -> None:
    result = run(request(trainee__sex=...))
    assert result.decision is Decision.INCOMPLETE
    assert result.missing == ("trainee.sex",)


def test_vitale_without_nir() -> None:
    assert run(request(documents__vitale={})).missing == ("documents.vitale.nir",)


def test_iban_invalid_and_national_key() -> None:
    bad_check = run(request(documents__rib__iban="FR7630006000011234567890188"))
    assert codes(bad_check) == [("IBAN_INVALID", "documents.rib")]
    wrong_rib_key = iban_with_check("FR", "30006000011234567890199")
    assert wrong_rib_key != "FR7630006000011234567890189"
    result = run(request(documents__rib__iban=wrong_rib_key))
    assert codes(result) == [("IBAN_INVALID", "documents.rib")]


@pytest.mark.parametrize(
    "iban", ["DE89370400440532013000", "MC5811222000010123456789030", "GB29NWBK60161331926819"]
)
def test_sepa_ibans(iban: str) -> None:
    assert run(request(documents__rib__iban=iban)).decision is Decision.GRANTED


@pytest.mark.parametrize("iban", ["TR330006100519786457841326", "SA0380000000608010167519"])
def test_iban_outside_sepa(iban: str) -> None:
    result = run(request(documents__rib__iban=iban))
    assert codes(result) == [("IBAN_NOT_SEPA", "documents.rib")]
    assert result.decision is Decision.INCOMPLETE


@pytest.mark.parametrize(
    ("holder", "last_name", "matches"),
    [
        ("MME LEFEVRE DURAND ANNE", "Lefèvre-Durand", True),
        ("MME LEFEVRE DURAND ANNE", "Lefevre Durand", True),
        ("MARTINEZ JULIE", "Martin", False),
        ("DURAND LEFEVRE ANNE", "Lefevre Durand", False),
        ("M. et Mme DUPONT", "Dupont", True),
        ("Mlle Élodie d'Arc", "D'ARC", True),
        ("MR O'NEIL PATRICK", "O'Neil", True),
        ("SOCIETE GENERALE", "Dupont", False),
        ("DUPONT", "", False),
    ],
)
def test_holder_matching(holder: str, last_name: str, matches: bool) -> None:
    assert holder_matches(holder, last_name) is matches


def test_normalise_name() -> None:
    assert normalise_name("Mme  Œdipe-Straße, Noël") == ("OEDIPE", "STRASSE", "NOEL")


def _plain_definition(text: str) -> tuple[str, ...]:
    """Upper case, Œ Æ ß spelt out, NFKD without its combining marks, words, no civility."""
    plain = text.upper().replace("Œ", "OE").replace("Æ", "AE").replace("ß", "SS")
    decomposed = unicodedata.normalize("NFKD", plain)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^A-Z0-9]+", " ", plain).split()
    return tuple(word for word in words if word not in {"M", "MME", "MLLE", "MR", "MRS"})


def test_normalise_name_is_the_plain_definition_for_every_character() -> None:
    """The per-character table of Latin letters gives what the whole-text decomposition gives,
    beside combining marks too (one character after another, not one alone)."""
    for code in range(0x80, 0x3000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        for text in (f"Mme a{chr(code)}b Dupont", f"É{chr(code)}\u0301ç x"):
            assert normalise_name(text) == _plain_definition(text), hex(code)


def test_rib_holder_mismatch_and_unknowns() -> None:
    result = run(request(documents__rib__holder="M DURAND PIERRE"))
    assert codes(result) == [("RIB_HOLDER_MISMATCH", "documents.rib")]
    assert run(request(documents__rib={"holder": "DUPONT"})).missing == ("documents.rib.iban",)
    assert run(request(documents__rib={"iban": "FR7630006000011234567890189"})).missing == (
        "documents.rib.holder",
    )
    assert run(request(trainee__last_name=...)).missing == ("trainee.last_name",)


def test_document_problems_are_listed_even_when_rejected() -> None:
    result = run(request(trainee__status="other", documents__rib=None))
    assert result.decision is Decision.REJECTED
    assert result.missing == ("documents.rib",)
