"""The exports' own words: every letter kind has its name, every nature of a finance export its
label, and the engine's line kinds are named as everywhere else (one word per concept)."""

from __future__ import annotations

from exports.finance.reconciliation import NATURE_LABELS
from exports.finance.states import STATE_LABELS
from exports.letters.context import LETTER_KIND_LABELS, LetterKind
from payments.vocabulary import OVERPAYMENT_STATUS_LABELS
from remuneration.domain.vocabulary import LINE_KIND_LABELS
from rules.decisions import LineKind


def test_every_letter_kind_has_its_name() -> None:
    assert set(LETTER_KIND_LABELS) == {kind.value for kind in LetterKind}
    assert all(name[0].isupper() and "_" not in name for name in LETTER_KIND_LABELS.values())


def test_the_natures_are_the_line_kinds_then_what_a_run_adds_in_the_engine_order() -> None:
    kinds = [kind.value for kind in LineKind]
    assert list(NATURE_LABELS)[: len(kinds)] == kinds
    for kind in kinds:
        if kind != LineKind.OVERPAYMENT:
            assert NATURE_LABELS[kind] == LINE_KIND_LABELS[kind], kind
    # The engine's overpayment line is told apart from the overpayments a run carries.
    assert NATURE_LABELS[LineKind.OVERPAYMENT].startswith(LINE_KIND_LABELS[LineKind.OVERPAYMENT])
    assert set(NATURE_LABELS) - set(kinds) == {"offset", "carried_debt", "reissue"}


def test_a_carried_overpayment_state_is_told_in_the_words_of_its_status() -> None:
    for status, state in (("open", "debt_open"), ("recovery_order", "recovery_order"),
                          ("waived", "debt_waived"), ("settled", "debt_settled")):  # fmt: skip
        words = OVERPAYMENT_STATUS_LABELS[status]
        assert STATE_LABELS[state] == f"Trop-perçu reporté : {words[0].lower()}{words[1:]}"
