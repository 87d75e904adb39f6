"""Payments: runs, batches and their SEPA files, bank returns, overpayments.

Public API (services take a ``ServiceContext``, flush and never commit):

- ``start_run`` / ``RunRequest`` / ``RunOutcome``: the advance and monthly runs;
- ``release_batch``, ``approve_batch``, ``cancel_batch``, ``get_batch``, ``downloadable_batch``:
  four-eyes approval and release, audited cancellation, the file only once released;
- ``prepare_corrected_batch``: the corrected batch after a file-level or technical reject;
- ``list_runs``, ``list_batches``: what finance sees at a glance;
- ``is_payment_business_day``: TARGET2 and French working days;
- ``file_chunks``, ``read_header``: the stored pain.001, byte for byte, and its header;
- ``import_bank_file``: pain.002 / camt.054 rejects and returns;
- ``waive_overpayment``: the supervisor's waiver of an overpayment;
- ``PayerAccount``: the paying account, from the settings of the composition root;
- read models in ``payments.queries`` (``payments_summary_for_trainee`` for the case queue).

Subpackages ``payments.sepa`` (pain.001 writer, XSD and EPC rules) and ``payments.returns``
(bank file parsers) are pure.
"""

from payments.bank_returns import ImportOutcome, import_bank_file
from payments.batch_rejects import prepare_corrected_batch
from payments.batch_release import (
    approve_batch,
    cancel_batch,
    downloadable_batch,
    get_batch,
    prepared_by_system,
    release_batch,
)
from payments.calendar import is_payment_business_day
from payments.config import SYSTEM_ACCOUNT, PayerAccount, procedure_rules
from payments.files import file_chunks, read_header
from payments.listing import list_batches, list_runs, user_names
from payments.overpayments import waive_overpayment
from payments.queries import payments_summary_for_trainee
from payments.runs import RunOutcome, RunRequest, find_run, start_run
from payments.vocabulary import BatchStatus, OverpaymentStatus, PaymentStatus, RunKind

__all__ = [
    "SYSTEM_ACCOUNT",
    "BatchStatus",
    "ImportOutcome",
    "OverpaymentStatus",
    "PayerAccount",
    "PaymentStatus",
    "RunKind",
    "RunOutcome",
    "RunRequest",
    "approve_batch",
    "cancel_batch",
    "downloadable_batch",
    "file_chunks",
    "find_run",
    "get_batch",
    "import_bank_file",
    "is_payment_business_day",
    "list_batches",
    "list_runs",
    "payments_summary_for_trainee",
    "prepare_corrected_batch",
    "prepared_by_system",
    "procedure_rules",
    "read_header",
    "release_batch",
    "start_run",
    "user_names",
    "waive_overpayment",
]
