"""Payments: runs, batches and their SEPA files, bank returns, overpayments.

Public API (services take a ``ServiceContext``, flush and never commit):

- ``start_run`` / ``RunRequest`` / ``RunOutcome``: the advance and monthly runs;
- ``release_batch``, ``cancel_batch``, ``get_batch``: four-eyes release and audited cancellation;
- ``file_chunks``, ``read_header``: the stored pain.001, byte for byte, and its header;
- ``import_bank_file``: pain.002 / camt.054 rejects and returns;
- ``waive_overpayment``: the supervisor's waiver of a debt;
- ``PayerAccount``: the paying account, from the settings of the composition root;
- read models in ``payments.queries`` (``payments_summary_for_trainee`` for the case queue).

Subpackages ``payments.sepa`` (pain.001 writer, XSD and EPC rules) and ``payments.returns``
(bank file parsers) are pure.
"""

from payments.bank_returns import ImportOutcome, import_bank_file
from payments.batches import cancel_batch, get_batch, release_batch
from payments.config import PayerAccount, procedure_rules
from payments.debts import waive_overpayment
from payments.files import file_chunks, read_header
from payments.queries import payments_summary_for_trainee
from payments.runs import RunOutcome, RunRequest, find_run, start_run
from payments.vocabulary import BatchStatus, DebtStatus, PaymentStatus, RunKind

__all__ = [
    "BatchStatus",
    "DebtStatus",
    "ImportOutcome",
    "PayerAccount",
    "PaymentStatus",
    "RunKind",
    "RunOutcome",
    "RunRequest",
    "cancel_batch",
    "file_chunks",
    "find_run",
    "get_batch",
    "import_bank_file",
    "payments_summary_for_trainee",
    "procedure_rules",
    "read_header",
    "release_batch",
    "start_run",
    "waive_overpayment",
]
