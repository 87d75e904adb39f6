from decimal import Decimal

import pytest

from payments.returns import BankFileError, BankReturn, parse_pain002
from tests.payments.data.sepa_samples import DATA


def test_transaction_rejects() -> None:
    rejects = parse_pain002((DATA / "pain002_001_03_tx_rejects.xml").read_bytes())
    assert rejects == [
        BankReturn(
            kind="reject",
            scope="transaction",
            original_end_to_end_id="REMU-E2E-00000002",
            amount=Decimal("723.36"),
            reason_code="AC01",
            original_message_id="REMU-2025-04-0001",
            original_payment_information_id="REMU-2025-04-0001-P001",
            additional_information="IBAN inconnu",
            report_message_id="BANK-STS-20250422-0001",
        ),
        BankReturn(
            kind="reject",
            scope="transaction",
            original_end_to_end_id="REMU-E2E-00000003",
            amount=Decimal("200.00"),
            reason_code="MD07",
            original_message_id="REMU-2025-04-0001",
            original_payment_information_id="REMU-2025-04-0001-P001",
            report_message_id="BANK-STS-20250422-0001",
        ),
    ]


def test_file_and_block_rejects() -> None:
    rejects = parse_pain002((DATA / "pain002_001_03_file_reject.xml").read_bytes())
    assert [
        (r.scope, r.reason_code, r.original_message_id, r.original_end_to_end_id) for r in rejects
    ] == [
        ("file", "AM05", "REMU-2025-04-0002", None),
        ("payment_information", "AM05", "REMU-2025-04-0002", None),
    ]
    assert rejects[0].additional_information == "Fichier deja recu"
    assert rejects[1].original_payment_information_id == "REMU-2025-04-0002-P001"


def test_file_failing_its_xsd_is_refused() -> None:
    data = (
        (DATA / "pain002_001_03_tx_rejects.xml")
        .read_bytes()
        .replace(b"<TxSts>RJCT", b"<TxSts>NOPE", 1)
    )
    with pytest.raises(BankFileError) as caught:
        parse_pain002(data)
    assert "non conforme au schéma pain.002.001.03" in str(caught.value)
    assert caught.value.errors and caught.value.errors[0].line is not None


def test_other_message_is_refused() -> None:
    with pytest.raises(BankFileError, match="non pris en charge"):
        parse_pain002((DATA / "camt054_001_02_returns.xml").read_bytes())


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_entity_attacks_are_refused(name: str) -> None:
    with pytest.raises(BankFileError, match="DOCTYPE"):
        parse_pain002((DATA / name).read_bytes())


def test_malformed_file_is_refused() -> None:
    with pytest.raises(BankFileError, match="mal formé"):
        parse_pain002(b"<Document><oops></Document>")
