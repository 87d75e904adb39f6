"""No full NIR or IBAN in any letter: the guard, its false positives, the context it protects."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from exports.letters import (
    LetterTemplates,
    PersonalDataLeak,
    Recipient,
    ServiceContact,
    TrainingInfo,
    build_decision_letter,
    find_full_identifiers,
    render_letter,
)
from exports.letters.guard import assert_no_full_identifiers, require_masked_iban
from tests.exports.conftest import load_json


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("NIR : 290057654012387", ["NIR"]),
        ("NIR : 2 90 05 76 540 123 87", ["NIR"]),
        ("NIR : 2.90.05.76.540.123.87", ["NIR"]),
        ("NIR sans clé 2900576540123", ["NIR"]),
        ("Corse : 1 85 12 2A 004 123 45", ["NIR"]),
        ("Compte FR7630006000011234567890189", ["IBAN"]),
        ("Compte FR76 3000 6000 0112 3456 7890 189", ["IBAN"]),
        ("compte fr76 3000 6000 0112 3456 7890 189.", ["IBAN"]),
        ("Konto DE89370400440532013000", ["IBAN"]),
        ("290057654012387 FR7630006000011234567890189", ["NIR", "IBAN"]),
    ],
)
def test_full_identifiers_are_found(text: str, kinds: list[str]) -> None:
    # The guard errs on the side of refusing: a spaced IBAN may also look like a NIR.
    assert set(kinds) <= set(find_full_identifiers(text))
    with pytest.raises(PersonalDataLeak) as error:
        assert_no_full_identifiers(["ok", text])
    assert "290057654012387" not in str(error.value)  # the value is never echoed


@pytest.mark.parametrize(
    "text",
    [
        "FR76 **** **** **** **** ***0 185",
        "2 94 02 ** *** *** 31",
        "Téléphone : 02 31 06 98 98",
        "Total : 1 406,56 €, soit mille quatre cent six euros",
        "723,36 € × 21 jours / 31 jours − 4,7693 € × 3,5 h = 473,33 €",
        "Votre numéro de dossier : RM-2024-000123",
        "14035 Caen Cedex 1, CS 50523",
        "Code du travail, article R6341-48",
        "du 11 mars 2024 au 27 septembre 2024",
    ],
)
def test_ordinary_letter_text_passes(text: str) -> None:
    assert find_full_identifiers(text) == []


def test_masked_iban_must_be_masked() -> None:
    assert require_masked_iban("FR76 **** **** **** **** ***0 185").startswith("FR76")
    with pytest.raises(PersonalDataLeak):
        require_masked_iban("FR7630006000011234567890189")
    with pytest.raises(PersonalDataLeak):
        require_masked_iban("FR76 3000 6000 0112 3456 78** ***")


@pytest.mark.parametrize(
    "leak",
    [
        {"full_name": "Marie Dupont 290057654012387"},
        {"address_lines": ("IBAN FR7630006000011234567890189", "14000 Caen")},
    ],
)
def test_a_context_with_a_full_identifier_cannot_be_built(
    leak: dict[str, object],
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    leaking = dataclasses.replace(recipient, **leak)  # type: ignore[arg-type]
    with pytest.raises(PersonalDataLeak):
        build_decision_letter(
            load_json("result-granted.json"),
            recipient=leaking,
            training=training,
            letter_date=date(2024, 6, 15),
            templates=templates,
            contact=contact,
        )


def test_an_explanation_from_the_engine_is_checked_too(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    leaking_training = dataclasses.replace(training, name="Formation 2 90 05 76 540 123 87")
    with pytest.raises(PersonalDataLeak):
        build_decision_letter(
            load_json("result-granted.json"),
            recipient=recipient,
            training=leaking_training,
            letter_date=date(2024, 6, 15),
            templates=templates,
            contact=contact,
        )


def test_the_renderer_checks_the_final_text_again(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    context = build_decision_letter(
        load_json("result-granted.json"),
        recipient=recipient,
        training=training,
        letter_date=date(2024, 6, 15),
        templates=templates,
        contact=contact,
    )
    # Simulate a context altered after its checks (frozen dataclasses can still be forced).
    object.__setattr__(context, "subject", "Compte FR7630006000011234567890189")
    with pytest.raises(PersonalDataLeak):
        render_letter(context)
