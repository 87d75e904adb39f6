"""Bank files at their edges: what a bank may really send (a reject without a reason, a return
without an amount, a credit that is not a return, a file too large or malformed) and what remu
reads from it."""

from __future__ import annotations

import re

import pytest

from payments.returns import BankFileError, parse_camt054, parse_pain002
from payments.returns.loading import MAX_BANK_FILE_BYTES
from tests.payments.data.sepa_samples import DATA

_TX_AMOUNT = re.compile(rb'\n {12}<Amt Ccy="EUR">[0-9.]+</Amt>')


def _camt() -> bytes:
    return (DATA / "camt054_001_08_returns.xml").read_bytes()


def _pain_v10() -> bytes:
    return (
        (DATA / "pain002_001_03_tx_rejects.xml")
        .read_bytes()
        .replace(b"pain.002.001.03", b"pain.002.001.10")
    )


def test_returns_of_an_entry_without_transaction_amounts_have_no_amount_not_a_guess() -> None:
    """Two returns in one entry, neither with its own amount: the entry's total is not theirs,
    so the amount stays unknown (matching then relies on the EndToEndId alone)."""
    data, count = _TX_AMOUNT.subn(b"", _camt())
    assert count == 2
    returns = parse_camt054(data)
    assert [(r.original_end_to_end_id, r.amount) for r in returns] == [
        ("REMU-E2E-00000004", None),
        ("REMU-E2E-00000005", None),
    ]


def test_a_credit_without_return_information_is_not_a_return() -> None:
    start = _camt().index(b"<RtrInf>")
    end = _camt().index(b"</RtrInf>") + len(b"</RtrInf>")
    data = _camt()[:start] + _camt()[end:]
    returns = parse_camt054(data)
    assert [r.original_end_to_end_id for r in returns] == ["REMU-E2E-00000005"]


def test_a_reject_without_a_reason_keeps_no_reason_rather_than_inventing_one() -> None:
    data = (DATA / "pain002_001_03_tx_rejects.xml").read_bytes()
    start = data.index(b"<StsRsnInf>")
    end = data.index(b"</StsRsnInf>") + len(b"</StsRsnInf>")
    rejects = parse_pain002(data[:start] + data[end:])
    assert [(r.original_end_to_end_id, r.reason_code) for r in rejects] == [
        ("REMU-E2E-00000002", None),
        ("REMU-E2E-00000003", "MD07"),
    ]
    assert rejects[0].additional_information is None


def test_a_file_larger_than_any_bank_report_is_refused_before_parsing() -> None:
    too_large = b" " * (MAX_BANK_FILE_BYTES + 1)
    with pytest.raises(BankFileError, match="trop volumineux"):
        parse_pain002(too_large)


def test_a_10_report_with_markup_where_a_reference_is_expected_is_refused() -> None:
    data = _pain_v10().replace(
        b"<OrgnlEndToEndId>REMU-E2E-00000002<",
        b"<OrgnlEndToEndId><Id>REMU-E2E-00000002</Id><",
        1,
    )
    with pytest.raises(BankFileError) as caught:
        parse_pain002(data)
    assert any("ne doit contenir que du texte" in e.message for e in caught.value.errors)


def test_a_10_document_with_two_reports_is_refused() -> None:
    data = _pain_v10()
    start = data.index(b"<CstmrPmtStsRpt>")
    end = data.index(b"</CstmrPmtStsRpt>") + len(b"</CstmrPmtStsRpt>")
    twice = data[:end] + data[start:end] + data[end:]
    with pytest.raises(BankFileError) as caught:
        parse_pain002(twice)
    assert any("exactement un CstmrPmtStsRpt" in e.message for e in caught.value.errors)
