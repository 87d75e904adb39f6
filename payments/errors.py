"""Business errors of payments, in French, each under the remuneration error it resembles so that
``api/errors.py`` maps it to the right HTTP status without a new entry (403, 409, 422)."""

from __future__ import annotations

from remuneration.domain.errors import IllegalTransition, InvalidFacts, NotAllowed

__all__ = [
    "BankFileRefused",
    "BatchFileUnavailable",
    "BatchNotCorrectable",
    "BatchNotReleasable",
    "FourEyesViolation",
    "OverpaymentNotWaivable",
    "PaymentFileRefused",
    "RunConflict",
    "RunRefused",
]


class RunRefused(InvalidFacts):
    """A run cannot start with these arguments (period, execution date)."""

    code = "payment_run_refused"


class RunConflict(IllegalTransition):
    """The run exists already, asked with other parameters (the message says which)."""

    code = "payment_run_conflict"


class PaymentFileRefused(InvalidFacts):
    """The pain.001 built for a batch fails the XSD or an EPC rule: nothing is kept."""

    code = "payment_file_refused"


class FourEyesViolation(NotAllowed):
    """The person who prepared a batch tries to release it."""

    code = "four_eyes"


class BatchNotReleasable(IllegalTransition):
    """The batch is not (or no longer) in a state, or with a file, that may be released."""

    code = "batch_not_releasable"


class BatchFileUnavailable(IllegalTransition):
    """The file of a batch that is not released (prepared, cancelled, rejected by the bank)."""

    code = "batch_file_unavailable"


class BatchNotCorrectable(IllegalTransition):
    """A corrected batch is asked for a batch with no payment back to ``to_pay``."""

    code = "batch_not_correctable"


class BankFileRefused(InvalidFacts):
    """A bank file is not a readable, valid pain.002 or camt.054."""

    code = "bank_file_refused"


class OverpaymentNotWaivable(IllegalTransition):
    """The overpayment is already settled or waived."""

    code = "overpayment_not_waivable"
