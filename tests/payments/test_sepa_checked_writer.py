"""The payment run's path for its file: written and judged in one pass (EPC rules on the values
written, header totals against the transfers written, XSD on the bytes, in a worker process for
a big file). A wrong file must still be refused, whichever way the XSD is checked."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from payments import RunKind, RunRequest, start_run
from payments.errors import PaymentFileRefused
from payments.models import PaymentBatch, PaymentRun
from payments.sepa import (
    CreditTransfer,
    CreditTransferMessage,
    IbanChecker,
    Pain001Version,
    PaymentInstruction,
    RuleCode,
    check_file,
    checked_writer,
    render_pain001,
    write_checked_pain001,
    xsd_stream,
)
from tests.payments.data.sepa_samples import (
    HEADER,
    IBAN_BAD_KEY,
    KEY,
    TODAY,
    sample_message,
    transfer,
)
from tests.payments.runworld import FULL_MONTH, PAYER, World, all_rows, granted_dossier

# 0: the worker process validates every file; a large number: validated in this process.
WAYS = {"worker": 0, "in process": 1 << 30}


def judged(message: CreditTransferMessage, way: str, **options: Any) -> tuple[bytes, set[str]]:
    output = io.BytesIO()
    usage: dict[str, object] = {}
    _, violations = write_checked_pain001(
        message,
        output,
        today=TODAY,
        parallel_from_bytes=WAYS[way],
        worker_usage=usage,
        **options,
    )
    assert usage["answered"] is (way == "worker")
    return output.getvalue(), {v.code.value for v in violations}


def one_block(*transfers: CreditTransfer) -> CreditTransferMessage:
    return CreditTransferMessage(HEADER, (PaymentInstruction("P-1", KEY, list(transfers)),))


@pytest.mark.parametrize("way", WAYS)
def test_a_good_file_is_the_writers_file_and_passes_both_checks(way: str) -> None:
    data, codes = judged(sample_message(), way)
    assert codes == set()
    assert data == render_pain001(sample_message())[0]
    assert check_file(data, today=TODAY, with_xsd=True) == []


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"creditor_iban": IBAN_BAD_KEY}, RuleCode.IBAN_INVALID),
        ({"creditor_name": "Jean Dupont ☺"}, RuleCode.CHARSET),
        ({"remittance_information": "Rémunération avril"}, RuleCode.CHARSET),
        ({"amount": Decimal("0.00")}, RuleCode.AMOUNT_RANGE),
    ],
)
def test_a_wrong_transfer_is_refused(way: str, change: dict[str, Any], code: RuleCode) -> None:
    message = one_block(transfer(1), transfer(2, **change))
    _, codes = judged(message, way)
    assert code.value in codes
    assert check_file(render_pain001(message)[0], today=TODAY, with_xsd=True) != []


@pytest.mark.parametrize("way", WAYS)
def test_a_schema_violation_is_refused_by_the_xsd(way: str) -> None:
    # The EPC rules only ask a BIC to be in the character set: the XSD's pattern refuses it.
    message = one_block(transfer(1), transfer(2, creditor_bic="NOT-A-BIC"))
    _, codes = judged(message, way)
    assert codes == {RuleCode.XSD_INVALID.value}


class _Declared:
    """A database query that declares totals: here, wrong ones."""

    def __init__(self, transfers: list[CreditTransfer], totals: tuple[int, Decimal]) -> None:
        self._transfers = transfers
        self._totals = totals

    def __iter__(self) -> Iterator[CreditTransfer]:
        return iter(self._transfers)

    def totals(self) -> tuple[int, Decimal]:
        return self._totals


@pytest.mark.parametrize("way", WAYS)
def test_header_totals_are_checked_against_the_transfers_written(way: str) -> None:
    transfers = [transfer(1), transfer(2)]
    wrong_sum = _Declared(transfers, (2, Decimal("1446.73")))
    message = CreditTransferMessage(HEADER, (PaymentInstruction("P-1", KEY, wrong_sum),))
    _, codes = judged(message, way)
    assert codes == {RuleCode.CTRLSUM_GRPHDR.value, RuleCode.CTRLSUM_PMTINF.value}
    wrong_count = _Declared(transfers, (3, Decimal("1446.72")))
    message = CreditTransferMessage(HEADER, (PaymentInstruction("P-1", KEY, wrong_count),))
    _, codes = judged(message, way)
    assert codes == {RuleCode.NBOFTXS_GRPHDR.value, RuleCode.NBOFTXS_PMTINF.value}


def test_identifiers_already_used_and_duplicates_are_refused() -> None:
    message = one_block(transfer(1), transfer(1), transfer(2))
    _, codes = judged(
        message,
        "in process",
        used_end_to_end_ids={"REMU-E2E-00000002"},
        used_message_ids={HEADER.message_id},
    )
    assert codes == {
        RuleCode.ENDTOENDID_DUPLICATE.value,
        RuleCode.ENDTOENDID_ALREADY_USED.value,
        RuleCode.MSGID_ALREADY_USED.value,
    }


def test_verified_ibans_still_get_their_check_digits_checked() -> None:
    corrupted = "FR7630004000017788650136544"  # IBAN_A with its last digit changed
    checker = IbanChecker(on=TODAY, already_verified={corrupted})
    _, codes = judged(
        one_block(transfer(1, creditor_iban=corrupted)), "in process", iban_checker=checker
    )
    assert codes == {RuleCode.IBAN_INVALID.value}


def test_without_a_worker_the_file_is_validated_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    message = one_block(transfer(1), transfer(2, creditor_bic="NOT-A-BIC"))
    output = io.BytesIO()
    usage: dict[str, object] = {}
    _, violations = write_checked_pain001(
        message, output, today=TODAY, parallel_from_bytes=0, worker_usage=usage
    )
    assert usage["answered"] is False
    assert {v.code for v in violations} == {RuleCode.XSD_INVALID}


_FAULTY_WORKERS = {
    "answers no JSON": "import sys; sys.stdin.buffer.read(); print('pas du JSON')",
    "fails": "import sys; sys.stdin.buffer.read(); sys.exit(3)",
    "answers the wrong shape": "import sys; sys.stdin.buffer.read(); print('{\"errors\": [1]}')",
    "stops reading at once": "import sys; sys.exit(0)",
}


@pytest.mark.parametrize("fault", _FAULTY_WORKERS)
def test_a_faulty_worker_never_skips_the_schema(
    fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the worker does, its answer is only trusted when it is one: otherwise the file
    is validated in this process, and a schema violation is still refused."""
    script = tmp_path / "worker.py"
    script.write_text(_FAULTY_WORKERS[fault], encoding="utf-8")
    faulty = SimpleNamespace(__file__=str(script), DOCTYPE_REFUSED=xsd_stream.DOCTYPE_REFUSED)
    monkeypatch.setattr(checked_writer, "xsd_stream", faulty)
    message = one_block(transfer(1), transfer(2, creditor_bic="NOT-A-BIC"))
    output = io.BytesIO()
    usage: dict[str, object] = {}
    _, violations = write_checked_pain001(
        message, output, today=TODAY, parallel_from_bytes=0, worker_usage=usage
    )
    assert usage["answered"] is False
    assert {v.code for v in violations} == {RuleCode.XSD_INVALID}
    good, _ = judged(sample_message(), "in process")
    _, violations = write_checked_pain001(
        sample_message(), io.BytesIO(), today=TODAY, parallel_from_bytes=0
    )
    assert violations == []  # a good file is not refused because its worker failed
    assert good == render_pain001(sample_message())[0]


def test_a_worker_killed_while_fed_leaves_the_check_to_this_process() -> None:
    output = io.BytesIO()
    sink = checked_writer._XsdSink(output, Pain001Version.V09, 0)
    sink.write(b"<?xml")
    worker = sink._worker
    assert worker is not None
    worker.kill()
    worker.wait()
    sink.write(b" version='1.0'?>" * 100_000)  # nobody reads the pipe any more: it breaks
    assert sink.worker_failed
    assert sink.worker_messages() is None  # no answer: the caller validates in process
    sink.close()
    assert output.getvalue().startswith(b"<?xml version='1.0'?>")


def test_a_payment_run_whose_file_breaks_the_schema_leaves_nothing(world: World) -> None:
    granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    payer = replace(PAYER, bic="BNPA-FR")  # passes the EPC character set, not the XSD
    with pytest.raises(PaymentFileRefused) as refused, world.unit() as ctx:
        start_run(ctx, RunRequest(RunKind.MONTHLY, "2024-04", date(2024, 5, 8)), payer=payer)
    assert {problem.code for problem in refused.value.problems} == {RuleCode.XSD_INVALID.value}
    assert all_rows(world, PaymentBatch) == [] and all_rows(world, PaymentRun) == []
