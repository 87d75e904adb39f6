"""Every status, kind and reason finance or an agent may see has its French words, in one place:
a code added to an enumeration without its words fails here, before it reaches a person raw."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import get_args

import pytest

from payments.returns.model import ReturnKind, ReturnScope
from payments.vocabulary import (
    BANK_RETURN_STATUS_LABELS,
    BATCH_STATUS_LABELS,
    OVERPAYMENT_STATUS_LABELS,
    PAYMENT_STATUS_LABELS,
    RETURN_KIND_LABELS,
    RETURN_SCOPE_LABELS,
    RUN_KIND_LABELS,
    RUN_STATUS_LABELS,
    SKIP_REASON_LABELS,
    BankReturnStatus,
    BatchStatus,
    OverpaymentStatus,
    PaymentStatus,
    RunKind,
    RunStatus,
    SkipReason,
)


def assert_words_for_every_code(codes: set[str], labels: Mapping[str, str]) -> None:
    """Every code has words, no label is left over, and no label is a code."""
    assert set(labels) == codes
    for code, label in labels.items():
        assert label.strip() == label and label, code
        assert label != code and "_" not in label, code


@pytest.mark.parametrize(
    ("codes", "labels"),
    [
        (BatchStatus, BATCH_STATUS_LABELS),
        (PaymentStatus, PAYMENT_STATUS_LABELS),
        (RunKind, RUN_KIND_LABELS),
        (RunStatus, RUN_STATUS_LABELS),
        (OverpaymentStatus, OVERPAYMENT_STATUS_LABELS),
        (BankReturnStatus, BANK_RETURN_STATUS_LABELS),
        (SkipReason, SKIP_REASON_LABELS),
    ],
)
def test_every_code_has_french_words_and_no_label_is_left_over(
    codes: type[StrEnum], labels: dict[str, str]
) -> None:
    assert_words_for_every_code({code.value for code in codes}, labels)


def test_every_kind_and_scope_of_a_bank_answer_has_its_words() -> None:
    assert_words_for_every_code(set(get_args(ReturnKind)), RETURN_KIND_LABELS)
    assert_words_for_every_code(set(get_args(ReturnScope)), RETURN_SCOPE_LABELS)


def test_a_status_read_alone_starts_with_a_capital() -> None:
    """Statuses are cells and badges of their own (console, exports): capitalised, the same in
    every door; a door that puts one inside a sentence lowers it itself."""
    for table in (PAYMENT_STATUS_LABELS, BATCH_STATUS_LABELS, OVERPAYMENT_STATUS_LABELS):
        assert all(words[0].isupper() for words in table.values())


def test_one_word_per_concept_across_payment_batch_and_overpayment() -> None:
    """A payment waiting for its batch's release and the batch say it alike; the overpayment
    claimed back names the glossary's recovery order (ordre de reversement)."""
    assert (
        PAYMENT_STATUS_LABELS[PaymentStatus.PREPARED] == BATCH_STATUS_LABELS[BatchStatus.PREPARED]
    )
    assert (
        "ordre de reversement"
        in OVERPAYMENT_STATUS_LABELS[OverpaymentStatus.RECOVERY_ORDER].lower()
    )
    assert "remise gracieuse" in OVERPAYMENT_STATUS_LABELS[OverpaymentStatus.WAIVED].lower()
