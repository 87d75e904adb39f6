"""The dossier's and the case queue's codes all have their French words, in one place each."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest

from remuneration.cases.domain.vocabulary import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    PRIORITY_LABELS,
    RESOLUTION_REASON_LABELS,
    STATUS_LABELS,
    CaseStatus,
    Category,
    Channel,
    Priority,
    ResolutionReason,
)
from remuneration.domain.errors import IllegalTransition
from remuneration.domain.states import (
    DOSSIER_STATUS_LABELS,
    DossierEvent,
    DossierStatus,
    next_status,
)
from remuneration.domain.vocabulary import (
    DOCUMENT_KIND_LABELS,
    EXIT_REASON_LABELS,
    INDEMNITY_LABELS,
    LINE_KIND_LABELS,
    TRAINEE_STATUS_LABELS,
    VERIFICATION_STATUS_LABELS,
    DocumentKind,
    ExitReason,
    FranceTravailIndemnity,
    TraineeStatus,
    VerificationStatus,
)
from rules.decisions import LineKind


@pytest.mark.parametrize(
    ("codes", "labels"),
    [
        (DossierStatus, DOSSIER_STATUS_LABELS),
        (LineKind, LINE_KIND_LABELS),
        (ExitReason, EXIT_REASON_LABELS),
        (TraineeStatus, TRAINEE_STATUS_LABELS),
        (FranceTravailIndemnity, INDEMNITY_LABELS),
        (DocumentKind, DOCUMENT_KIND_LABELS),
        (VerificationStatus, VERIFICATION_STATUS_LABELS),
        (Category, CATEGORY_LABELS),
        (Priority, PRIORITY_LABELS),
        (Channel, CHANNEL_LABELS),
        (CaseStatus, STATUS_LABELS),
        (ResolutionReason, RESOLUTION_REASON_LABELS),
    ],
)
def test_every_code_has_french_words_and_no_label_is_left_over(
    codes: type[StrEnum], labels: Mapping[str, str]
) -> None:
    assert {str(code) for code in labels} == {code.value for code in codes}
    for code, words in labels.items():
        assert words and words.strip() == words, code
        assert words != str(code) and "_" not in words, code


def test_exit_reasons_are_read_inside_a_sentence() -> None:
    assert all(words[0].islower() for words in EXIT_REASON_LABELS.values())


def test_line_kinds_are_the_glossary_words() -> None:
    assert LINE_KIND_LABELS[LineKind.ADVANCE_RECOVERY] == "Récupération de l'avance"
    assert LINE_KIND_LABELS[LineKind.DRIVING_LICENCE] == "Aide au permis de conduire"


@pytest.mark.parametrize("event", list(DossierEvent))
def test_a_refused_move_names_the_action_and_the_status_in_words_never_codes(
    event: DossierEvent,
) -> None:
    with pytest.raises(IllegalTransition) as refused:
        next_status(DossierStatus.CLOSED, event)
    message = str(refused.value.message)
    assert message.startswith("Impossible d") and "« Clos »" in message
    assert event.value not in message and "_" not in message
