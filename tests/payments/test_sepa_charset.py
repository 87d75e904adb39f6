import random
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.sepa import charset
from payments.sepa.charset import (
    EPC_CHARACTERS,
    first_invalid_character,
    is_epc_text,
    to_epc_name,
    to_epc_remittance,
    transliterate,
    truncate,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hélène Çelik", "Helene Celik"),
        ("Strauß", "Strauss"),
        ("Cœur Œuvre", "Coeur OEuvre"),
        ("Lætitia Æsir", "Laetitia AEsir"),
        ("Dupont & Fils", "Dupont + Fils"),
        ("Jeanne d’Arc", "Jeanne d'Arc"),
        ("Zoë  Noël", "Zoe Noel"),
        ("Øster Łódź", "Oster Lodz"),
        ("Ångström Ñúñez", "Angstrom Nunez"),
        ("Prix 12€ #5 ; ok!", "Prix 12 5 ok"),
        ("Jean–Pierre_Dupont", "Jean-Pierre-Dupont"),
        ("Иван 李", ""),
        ("  ligne\nnouvelle\t ", "ligne nouvelle"),
        ("ﬁlet", "filet"),
    ],
)
def test_transliterate_into_epc_set(raw: str, expected: str) -> None:
    result = transliterate(raw)
    assert result == expected
    assert is_epc_text(result)


def test_every_epc_character_is_kept() -> None:
    text = "".join(sorted(EPC_CHARACTERS)).strip()
    assert transliterate(text) == text


def test_name_and_remittance_are_truncated_after_transliteration() -> None:
    name = to_epc_name("É" * 80)
    assert name == "E" * 70
    remittance = to_epc_remittance("Rémunération " * 20)
    assert len(remittance) <= 140
    assert not remittance.endswith(" ")
    assert remittance.startswith("Remuneration Remuneration")


def test_truncate_drops_trailing_space() -> None:
    assert truncate("abc def", 4) == "abc"


def test_first_invalid_character() -> None:
    assert first_invalid_character("Jean Dupont") is None
    assert first_invalid_character("Jean_Dupont") == "_"
    assert not is_epc_text("Zoë")


@given(st.text(max_size=200))
def test_transliteration_always_lands_in_the_epc_set(text: str) -> None:
    result = to_epc_name(text)
    assert is_epc_text(result)
    assert len(result) <= 70
    assert "  " not in result and result == result.strip()


def _reference_transliteration(text: str) -> str:
    """The plain definition: special letters, NFKD, every combining mark dropped, spaces."""
    special = charset._SPECIAL
    mapped = unicodedata.normalize("NFKD", text.translate(special)).translate(special)
    kept = "".join(ch for ch in mapped if not unicodedata.combining(ch))
    return re.sub(" {2,}", " ", charset._NOT_EPC.sub(" ", kept)).strip()


def test_fast_paths_give_the_plain_definitions_answer() -> None:
    rng = random.Random(2026)
    pool = [chr(code) for code in range(0x20, 0x3000)] + list("éèêàçœÆß’«»–\t ") * 40
    for code in range(0x20, 0x3000):
        assert transliterate(chr(code)) == _reference_transliteration(chr(code))
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 14)))
        assert transliterate(text) == _reference_transliteration(text), repr(text)
    assert transliterate("  Remuneration  avril ") == "Remuneration avril"
