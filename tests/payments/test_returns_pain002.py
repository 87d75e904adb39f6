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


def _v10(data: bytes) -> bytes:
    """The same report in pain.002.001.10 (the elements remu reads are the same)."""
    return data.replace(b"pain.002.001.03", b"pain.002.001.10")


def test_the_10_version_reads_like_the_03() -> None:
    for name in ("pain002_001_03_tx_rejects.xml", "pain002_001_03_file_reject.xml"):
        data = (DATA / name).read_bytes()
        assert parse_pain002(_v10(data)) == parse_pain002(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ((b"<TxSts>RJCT", b"<TxSts>NOPE"), "statut « NOPE » inconnu"),
        ((b"<OrgnlMsgId>", b"<OrgnlMsgId>A"), None),  # still valid: a longer id
        ((b"<MsgId>BANK-STS-20250422-0001</MsgId>", b""), "GrpHdr/MsgId : 0 occurrence"),
        ((b'<InstdAmt Ccy="EUR">723.36', b'<InstdAmt Ccy="EUR">7,23'), "un montant décimal"),
        ((b'<InstdAmt Ccy="EUR">', b"<InstdAmt>"), "attribut Ccy"),
        ((b"<Cd>AC01</Cd>", b"<Cd>AC01</Cd><Prtry>X</Prtry>"), "exactement un Cd ou un Prtry"),
        ((b"<Cd>AC01</Cd>", b"<Cd>TOOLONG</Cd>"), "un code attendu"),
    ],
)
def test_the_10_version_is_checked_element_by_element(
    change: tuple[bytes, bytes], message: str | None
) -> None:
    data = _v10((DATA / "pain002_001_03_tx_rejects.xml").read_bytes()).replace(*change, 1)
    if message is None:
        assert len(parse_pain002(data)) == 2
        return
    with pytest.raises(BankFileError) as caught:
        parse_pain002(data)
    assert "non conforme au message pain.002.001.10" in str(caught.value)
    assert any(message in error.message for error in caught.value.errors), caught.value.errors
    assert all(error.line is not None for error in caught.value.errors)


def test_the_10_version_refuses_elements_out_of_order() -> None:
    data = _v10((DATA / "pain002_001_03_tx_rejects.xml").read_bytes())
    header_end = data.index(b"</GrpHdr>") + len(b"</GrpHdr>")
    header_start = data.index(b"<GrpHdr>")
    header = data[header_start:header_end]
    moved = data[:header_start] + data[header_end:]
    moved = moved.replace(b"</CstmrPmtStsRpt>", header + b"</CstmrPmtStsRpt>")
    with pytest.raises(BankFileError) as caught:
        parse_pain002(moved)
    assert any("désordre" in error.message for error in caught.value.errors)
