import hashlib
import io
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from payments.sepa.epc_field_rules import RuleCode
from payments.sepa.epc_file_check import check_file
from payments.sepa.model import (
    CreditTransfer,
    CreditTransferMessage,
    MessageHeader,
    Pain001Version,
    PaymentInstruction,
)
from payments.sepa.pain001 import SepaWriteError, render_pain001, write_pain001
from payments.sepa.validate import validate_pain001
from tests.payments.data.sepa_samples import (
    DATA,
    HEADER,
    KEY,
    TODAY,
    message_of,
    sample_message,
    transfer,
)

GOLDEN = {
    Pain001Version.V09: DATA / "pain001_001_09_golden.xml",
    Pain001Version.V03: DATA / "pain001_001_03_golden.xml",
}


@pytest.mark.parametrize("version", list(Pain001Version))
def test_golden_file_byte_for_byte(version: Pain001Version) -> None:
    data, result = render_pain001(sample_message(), version=version)
    assert data == GOLDEN[version].read_bytes()
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)


@pytest.mark.parametrize("version", list(Pain001Version))
def test_written_file_is_valid_against_the_xsd(version: Pain001Version) -> None:
    data, _ = render_pain001(sample_message(), version=version)
    assert validate_pain001(data, version=version) == []


def test_declaration_namespace_and_no_bom() -> None:
    data, _ = render_pain001(sample_message())
    assert data.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">'
    )
    root = etree.fromstring(data)
    assert root[0].tag == "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.09}CstmrCdtTrfInitn"


def test_totals_are_exact_decimal_sums() -> None:
    data, result = render_pain001(sample_message())
    assert result.number_of_transactions == 4
    assert result.control_sum == Decimal("1923.36")
    assert [t.control_sum for t in result.instructions] == [Decimal("923.37"), Decimal("999.99")]
    ns = {"p": Pain001Version.V09.namespace}
    root = etree.fromstring(data)
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=ns) == "1923.36"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=ns) == "4"
    sums = [e.text for e in root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf/p:CtrlSum", ns)]
    assert sums == ["923.37", "999.99"]


def test_version_specific_elements() -> None:
    v09, _ = render_pain001(sample_message(), version=Pain001Version.V09)
    v03, _ = render_pain001(sample_message(), version=Pain001Version.V03)
    assert b"<ReqdExctnDt>\n<Dt>2025-04-22</Dt>" in v09
    assert b"<ReqdExctnDt>2025-04-22</ReqdExctnDt>" in v03
    assert b"<BICFI>BNPAFRPPXXX</BICFI>" in v09 and b"<BIC>BNPAFRPPXXX</BIC>" in v03
    for data in (v09, v03):
        assert b"<Othr>\n<Id>NOTPROVIDED</Id>" in data
        assert data.count(b"<CdtrAgt>") == 1


def test_same_input_gives_same_bytes() -> None:
    first, r1 = render_pain001(sample_message())
    second, r2 = render_pain001(sample_message())
    assert first == second and r1.sha256 == r2.sha256


def test_write_to_a_stream_matches_render() -> None:
    buffer = io.BytesIO()
    result = write_pain001(sample_message(), buffer)
    assert hashlib.sha256(buffer.getvalue()).hexdigest() == result.sha256


class _Query:
    """Re-iterable source like a database query: yields fresh transfers each time."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.runs = 0

    def __iter__(self) -> Iterator[CreditTransfer]:
        self.runs += 1
        for index in range(self.count):
            yield transfer(index + 1)


def test_reiterable_source_is_read_twice() -> None:
    query = _Query(250)
    message = CreditTransferMessage(HEADER, (PaymentInstruction("P-1", KEY, query),))
    data, result = render_pain001(message)
    assert query.runs == 2
    assert result.number_of_transactions == 250
    assert result.control_sum == Decimal("723.36") * 250
    assert validate_pain001(data) == []


class _CountedQuery(_Query):
    """A source that knows its count and sum (as a database does): read once."""

    def __init__(self, count: int, totals: tuple[int, Decimal]) -> None:
        super().__init__(count)
        self.declared = totals

    def totals(self) -> tuple[int, Decimal]:
        return self.declared


def test_counted_source_is_read_once_and_checked_against_what_was_written() -> None:
    query = _CountedQuery(250, (250, Decimal("723.36") * 250))
    message = CreditTransferMessage(HEADER, (PaymentInstruction("P-1", KEY, query),))
    data, result = render_pain001(message)
    assert query.runs == 1
    assert (result.number_of_transactions, result.control_sum) == query.declared
    assert validate_pain001(data) == []
    assert check_file(io.BytesIO(data), today=TODAY) == []
    wrong = _CountedQuery(250, (250, Decimal("723.37") * 250))
    bad, _ = render_pain001(CreditTransferMessage(HEADER, (PaymentInstruction("P-1", KEY, wrong),)))
    codes = {v.code for v in check_file(io.BytesIO(bad), today=TODAY)}
    assert codes == {RuleCode.CTRLSUM_GRPHDR, RuleCode.CTRLSUM_PMTINF}


def test_one_shot_iterator_is_refused() -> None:
    with pytest.raises(TypeError):
        PaymentInstruction("P-1", KEY, iter([transfer()]))


def test_amount_needing_rounding_is_refused() -> None:
    with pytest.raises(SepaWriteError, match="deux décimales"):
        render_pain001(message_of(transfer(amount=Decimal("10.005"))))


def test_empty_instruction_is_refused() -> None:
    with pytest.raises(SepaWriteError, match="aucun virement"):
        render_pain001(message_of())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=99_999_999_999), min_size=1, max_size=30))
def test_control_sums_are_exact_for_any_amounts(cents: list[int]) -> None:
    amounts = [Decimal(c).scaleb(-2) for c in cents]
    transfers = [transfer(i + 1, amount=a) for i, a in enumerate(amounts)]
    data, result = render_pain001(message_of(*transfers))
    assert result.control_sum == sum(amounts, Decimal(0))
    assert f"<CtrlSum>{sum(amounts, Decimal(0)):.2f}</CtrlSum>".encode() in data
    assert data.count(b"<CdtTrfTxInf>") == len(amounts)


def test_a_message_header_refuses_a_creation_time_without_its_time_zone() -> None:
    """The file's CreDtTm must say its offset: a naive time would be read in the bank's zone."""
    with pytest.raises(ValueError, match="timezone-aware"):
        MessageHeader("REMU-2025-04-0001", datetime(2025, 4, 22, 8, 15), "REGION")
