from datetime import date

import pytest

from payments.returns import reason_code, reason_codes
from payments.returns.reasons import reason_in_words

ON = date(2025, 4, 28)


def test_table_holds_every_code_of_the_specification() -> None:
    expected = {"AC01", "AC04", "AC06", "AG01", "AM05", "BE04", "MD07", "MS02", "MS03", "RC01"}
    expected |= {"RR01", "RR02", "RR03", "RR04"}
    expected |= TECHNICAL
    assert set(reason_codes(ON)) == expected


TECHNICAL = {"AG02", "AM10", "AM18", "CH03", "DT01", "DU01", "DU02", "DU05", "FF01", "FF05"}
TECHNICAL |= {"TM01"}


@pytest.mark.parametrize("code", sorted(TECHNICAL))
def test_technical_reasons_blame_the_file_not_the_trainee(code: str) -> None:
    reason = reason_code(code, on=ON)
    assert reason is not None and reason.technical
    assert not reason.block_bank_details and not reason.reissue_allowed
    assert "lot corrigé" in reason.action


@pytest.mark.parametrize("code", ["AC01", "AC04", "AM05", "MD07", "MS03", "RC01"])
def test_trainee_reasons_are_not_technical(code: str) -> None:
    reason = reason_code(code, on=ON)
    assert reason is not None and not reason.technical


@pytest.mark.parametrize("code", ["AM05", "MD07", "RR01", "RR02", "RR03", "RR04"])
def test_never_reissued_automatically(code: str) -> None:
    reason = reason_code(code, on=ON)
    assert reason is not None and not reason.reissue_allowed


@pytest.mark.parametrize("code", ["AC01", "AC04", "AG01"])
def test_wrong_account_blocks_the_bank_details(code: str) -> None:
    reason = reason_code(code, on=ON)
    assert reason is not None
    assert reason.block_bank_details and reason.reissue_allowed
    assert "RIB" in reason.action


def test_unknown_code_and_french_texts() -> None:
    assert reason_code("XX99", on=ON) is None
    closed = reason_code("AC04", on=ON)
    assert closed is not None and closed.meaning == "Compte clôturé"


def test_no_table_before_its_date() -> None:
    with pytest.raises(LookupError):
        reason_codes(date(2020, 1, 1))


def test_a_reason_code_reaches_a_person_with_its_meaning_and_the_code_for_finance() -> None:
    assert reason_in_words("AC04") == f"{reason_codes(ON)['AC04'].meaning} (AC04)"
    assert reason_in_words("AC04") == "Compte clôturé (AC04)"
    # A code no table knows is shown as the bank sent it: never dropped, never invented.
    assert reason_in_words("ZZ99") == "ZZ99"
