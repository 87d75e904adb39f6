from datetime import date

import pytest

from payments.returns import reason_code, reason_codes

ON = date(2025, 4, 28)


def test_table_holds_every_code_of_the_specification() -> None:
    expected = {"AC01", "AC04", "AC06", "AG01", "AM05", "BE04", "MD07", "MS02", "MS03", "RC01"}
    expected |= {"RR01", "RR02", "RR03", "RR04"}
    assert set(reason_codes(ON)) == expected


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
