from datetime import date
from decimal import Decimal

import pytest

from payments.returns import BankFileError, parse_camt054
from tests.payments.data.sepa_samples import DATA


def test_camt054_001_02_return_with_entry_amount() -> None:
    returns = parse_camt054((DATA / "camt054_001_02_returns.xml").read_bytes())
    assert len(returns) == 1  # the debit entry is not a return
    [ret] = returns
    assert ret.kind == "return"
    assert ret.original_end_to_end_id == "REMU-E2E-00000001"
    assert ret.amount == Decimal("723.36")
    assert ret.reason_code == "AC04"
    assert ret.additional_information == "Compte clos"
    assert ret.booking_date == date(2025, 4, 28)
    assert ret.report_message_id == "BANK-NTF-20250428-0001"


def test_camt054_001_08_batch_entry_with_transaction_amounts() -> None:
    returns = parse_camt054((DATA / "camt054_001_08_returns.xml").read_bytes())
    assert [(r.original_end_to_end_id, r.amount, r.reason_code) for r in returns] == [
        ("REMU-E2E-00000004", Decimal("723.36"), "AC06"),
        ("REMU-E2E-00000005", Decimal("200.00"), "RR04"),
    ]


def test_file_failing_its_xsd_is_refused() -> None:
    data = (
        (DATA / "camt054_001_08_returns.xml")
        .read_bytes()
        .replace(b"<CdtDbtInd>CRDT", b"<CdtDbtInd>CREDIT", 1)
    )
    with pytest.raises(BankFileError) as caught:
        parse_camt054(data)
    assert caught.value.errors
    assert "camt.054.001.08" in caught.value.errors[0].message


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_entity_attacks_are_refused(name: str) -> None:
    with pytest.raises(BankFileError, match="DOCTYPE"):
        parse_camt054((DATA / name).read_bytes())
