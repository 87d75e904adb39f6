"""Every status and kind finance or an agent may see has its French words."""

from __future__ import annotations

from enum import StrEnum

import pytest

from payments.vocabulary import (
    BATCH_STATUS_LABELS,
    PAYMENT_STATUS_LABELS,
    RUN_KIND_LABELS,
    RUN_STATUS_LABELS,
    BatchStatus,
    PaymentStatus,
    RunKind,
    RunStatus,
)


@pytest.mark.parametrize(
    ("codes", "labels"),
    [
        (BatchStatus, BATCH_STATUS_LABELS),
        (PaymentStatus, PAYMENT_STATUS_LABELS),
        (RunKind, RUN_KIND_LABELS),
        (RunStatus, RUN_STATUS_LABELS),
    ],
)
def test_every_code_has_french_words_and_no_label_is_left_over(
    codes: type[StrEnum], labels: dict[str, str]
) -> None:
    assert set(labels) == {code.value for code in codes}
    for code, label in labels.items():
        assert label.strip() and label != code, code
