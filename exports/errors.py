"""Business errors of letters and exports, in French, each under the remuneration error it
resembles so that ``api/errors.py`` maps it to the right HTTP status without a new entry."""

from __future__ import annotations

from remuneration.domain.errors import IllegalTransition, NotFound

__all__ = ["ExportNotReconciled", "LetterRefused", "LetterUnavailable"]


class LetterUnavailable(NotFound):
    """There is nothing to write about: no decision yet, no overpayment to notify."""

    code = "letter_unavailable"


class LetterRefused(IllegalTransition):
    """The letter cannot be written as the data stands (no postal address, a cancelled or
    refused transfer, figures that do not add up): writing it anyway would mislead the trainee."""

    code = "letter_refused"


class ExportNotReconciled(IllegalTransition):
    """The lines, the transfers and the batches' control sums of an export do not agree to the
    cent: finance must not receive a file whose totals contradict the bank files."""

    code = "export_not_reconciled"
