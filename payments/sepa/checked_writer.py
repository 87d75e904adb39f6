"""Write a pain.001 and judge it in the same pass: the path of the payment run.

``check_file`` judges a file of unknown origin (uploaded, read back) by parsing every
transaction back into its texts. A file this process is writing needs no such parse: the
writer holds the very values it serialises, so each transfer is judged by the EPC rules of
``epc_model_check`` (the same field rules as the file check) as it is written, and the header
totals are compared with the transfers actually written (count and exact ``Decimal`` sum), not
with what the source declared. What the writer fixes by construction (XML declaration without
BOM, namespace, TRF, SEPA, SLEV, EUR) is written from constants.

The XSD is still checked on the bytes: the stream goes to a worker process (``xsd_stream``,
libxml2) that validates it on the other core while this one writes, once the file is larger
than ``PARALLEL_FROM_BYTES``; a smaller file is validated in process at the end. If the worker
cannot be started or fails, the file is validated again in process: a file is never passed
without its XSD check.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import subprocess
import sys
from collections.abc import Container, Iterable, Iterator
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import BinaryIO

from payments.sepa import xsd_stream
from payments.sepa.epc_field_rules import EpcViolation, IbanChecker, RuleCode
from payments.sepa.epc_leaf_rules import total_violations
from payments.sepa.epc_model_check import EndToEndRegistry, message_violations, transfer_problems
from payments.sepa.model import (
    CreditTransfer,
    CreditTransferMessage,
    Pain001Version,
    PaymentInstruction,
)
from payments.sepa.pain001 import (
    CountedTransfers,
    WriteResult,
    format_amount,
    write_pain001,
)
from payments.sepa.validate import XsdError, validate_pain001

__all__ = ["PARALLEL_FROM_BYTES", "write_checked_pain001"]

# About 2 000 transfers: below, starting a process costs more than validating in this one.
PARALLEL_FROM_BYTES = 1024 * 1024
_WORKER_TIMEOUT_S = 600
_NONE: frozenset[str] = frozenset()


class _JudgedTransfers:
    """One ``PmtInf``'s transfers on their way to the writer: each judged, counted, summed."""

    def __init__(
        self,
        transfers: Iterable[CreditTransfer],
        path: str,
        ibans: IbanChecker,
        registry: EndToEndRegistry,
    ) -> None:
        self._transfers = transfers
        self._path = path
        self._ibans = ibans
        self._registry = registry
        self.violations: list[EpcViolation] = []
        self.count = 0
        self.total = Decimal(0)

    def totals(self) -> tuple[int, Decimal]:
        """What the header will declare: the source's own totals when it knows them (a
        database), otherwise one pass over it. Compared with what was written afterwards."""
        if isinstance(self._transfers, CountedTransfers):
            return self._transfers.totals()
        count, total = 0, Decimal(0)
        for transfer in self._transfers:
            format_amount(transfer.amount)
            count += 1
            total += transfer.amount
        return count, total

    def __iter__(self) -> Iterator[CreditTransfer]:
        ibans, registry, violations = self._ibans, self._registry, self.violations
        for transfer in self._transfers:
            self.count += 1
            self.total += transfer.amount
            path = f"{self._path}/CdtTrfTxInf[{self.count}]"
            e2e = transfer.end_to_end_id
            violations += registry.violations(e2e, path)
            found = transfer_problems(transfer, ibans)
            if found:
                violations += [EpcViolation(c, m, f"{path}/{w}", e2e) for w, (c, m) in found]
            yield transfer


# The writer hands the worker 256 KiB at a time through a pipe widened to 1 MiB: the writer runs
# up to 1 MiB ahead of the validation instead of waiting for it. With a 1 MiB write buffer on
# the default 64 KiB pipe, each side waited for the other in turn (the writer blocked 43 % of the
# time, py-spy) and the two cores were never busy together.
_FEED_BUFFER_BYTES = 256 * 1024
_PIPE_BYTES = 1024 * 1024


def _widen_pipe(worker: subprocess.Popen[bytes]) -> None:
    """Linux: a deeper pipe to the worker (an unwidened pipe only costs parallelism)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is None or worker.stdin is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(worker.stdin.fileno(), set_size, _PIPE_BYTES)


class _XsdSink:
    """The writer's output: every byte to ``output``; past ``parallel_from`` bytes, also to a
    worker process validating the stream against the XSD on another core."""

    def __init__(self, output: BinaryIO, version: Pain001Version, parallel_from: int) -> None:
        self._output = output
        self._version = version
        self._parallel_from = parallel_from
        self._head: bytearray | None = bytearray()
        self._worker: subprocess.Popen[bytes] | None = None
        self.worker_failed = False
        self.worker_usage: dict[str, object] | None = None

    def write(self, data: bytes) -> int:
        self._output.write(data)
        if self._worker is not None:
            self._feed(data)
        elif self._head is not None:
            self._head += data
            if len(self._head) >= self._parallel_from:
                head, self._head = bytes(self._head), None
                self._start()
                self._feed(head)
        return len(data)

    def _start(self) -> None:
        record = f"{{{self._version.namespace}}}CdtTrfTxInf"
        schema = resources.files("payments.sepa.schemas").joinpath(f"{self._version.value}.xsd")
        command = [sys.executable, "-I", xsd_stream.__file__, str(schema), record]
        try:
            self._worker = subprocess.Popen(  # noqa: S603 (our interpreter, our module)
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=_FEED_BUFFER_BYTES,
                # posix_spawn instead of fork: no copy of this (large) process, even briefly;
                # our descriptors are not inheritable anyway (PEP 446).
                close_fds=False,
            )
        except OSError:
            self.worker_failed = True
            return
        _widen_pipe(self._worker)

    def _feed(self, data: bytes) -> None:
        worker = self._worker
        if worker is None or worker.stdin is None:
            return
        try:
            worker.stdin.write(data)
        except OSError:  # the worker died: the file is validated again in process
            self._stop()

    def _stop(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker.communicate()
        self._worker = None
        self.worker_failed = True

    def in_memory(self) -> bytes | None:
        """The whole file when no worker was started (a small file)."""
        return None if self._head is None else bytes(self._head)

    def worker_messages(self) -> list[str] | None:
        """The worker's XSD messages (empty: valid), or None when it did not give an answer."""
        worker, self._worker = self._worker, None
        if worker is None:
            return None
        try:
            out, _ = worker.communicate(timeout=_WORKER_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            worker.kill()
            worker.communicate()
            return None
        if worker.returncode != 0:
            return None
        try:
            answer = json.loads(out)
        except ValueError:
            return None
        messages = answer.get("errors") if isinstance(answer, dict) else None
        if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
            return None
        self.worker_usage = {"cpu_s": answer.get("cpu_s"), "peak_kb": answer.get("peak_kb")}
        return messages

    def close(self) -> None:
        if self._worker is not None:
            self._stop()


def _xsd_errors(sink: _XsdSink, output: BinaryIO, version: Pain001Version) -> list[XsdError]:
    small = sink.in_memory()
    if small is not None:
        return validate_pain001(small, version=version)
    messages = sink.worker_messages()
    if messages is None:  # no answer from the worker: validate here, never skip
        output.seek(0)
        return validate_pain001(output, version=version)
    return [_xsd_error(message) for message in messages]


def _xsd_error(message: str) -> XsdError:
    if message == xsd_stream.DOCTYPE_REFUSED:
        return XsdError(None, message)
    return XsdError(None, f"Fichier non conforme au schéma XSD (ligne inconnue) : {message}")


def _total_violations(result: WriteResult, judged: list[_JudgedTransfers]) -> list[EpcViolation]:
    """Header totals, as written, against the transfers actually written."""
    violations = []
    for index, (declared, written) in enumerate(zip(result.instructions, judged, strict=True), 1):
        header = {
            "NbOfTxs": [str(declared.number_of_transactions)],
            "CtrlSum": [format_amount(declared.control_sum)],
        }
        violations += total_violations(
            header, written.count, written.total, f"PmtInf[{index}]", "PMTINF"
        )
    group = {"NbOfTxs": [str(result.number_of_transactions)]}
    group["CtrlSum"] = [format_amount(result.control_sum)]
    count = sum(j.count for j in judged)
    total = sum((j.total for j in judged), Decimal(0))
    return violations + total_violations(group, count, total, "GrpHdr", "GRPHDR")


def write_checked_pain001(
    message: CreditTransferMessage,
    output: BinaryIO,
    *,
    today: date,
    used_end_to_end_ids: Container[str] = _NONE,
    used_message_ids: Container[str] = _NONE,
    iban_checker: IbanChecker | None = None,
    version: Pain001Version = Pain001Version.V09,
    parallel_from_bytes: int = PARALLEL_FROM_BYTES,
    worker_usage: dict[str, object] | None = None,
) -> tuple[WriteResult, list[EpcViolation]]:
    """Write ``message`` to ``output`` (readable and seekable: a spool file) and judge it:
    every EPC rule and the XSD. An empty list of violations: the file may be stored.

    ``worker_usage``, when given, receives whether the XSD worker answered, its CPU time and
    peak memory (for the benchmark)."""
    ibans = iban_checker or IbanChecker(on=today)
    violations = message_violations(message, today, used_message_ids, ibans)
    registry = EndToEndRegistry(used_end_to_end_ids)
    judged = [
        _JudgedTransfers(instruction.transfers, f"PmtInf[{index}]", ibans, registry)
        for index, instruction in enumerate(message.instructions, start=1)
    ]
    instructions = tuple(
        PaymentInstruction(instruction.payment_information_id, instruction.key, transfers)
        for instruction, transfers in zip(message.instructions, judged, strict=True)
    )
    sink = _XsdSink(output, version, parallel_from_bytes)
    try:
        result = write_pain001(
            CreditTransferMessage(message.header, instructions), sink, version=version
        )
        xsd = _xsd_errors(sink, output, version)
    finally:
        sink.close()
    if worker_usage is not None:
        worker_usage["answered"] = sink.worker_usage is not None
        worker_usage.update(sink.worker_usage or {})
    for transfers in judged:
        violations += transfers.violations
    violations += _total_violations(result, judged)
    xsd_violations = [
        EpcViolation(RuleCode.XSD_INVALID, e.message, f"ligne {e.line or '?'}") for e in xsd
    ]
    return result, xsd_violations + violations
