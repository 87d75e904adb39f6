"""Letters a trainee understands: plain sentences from real engine lines, the calculation in an
annex without the sources, in-force dates or notes meant for the Region."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exports.letters.plain import detail_for_annex, hours_in_words, plain_sentence
from rules import evaluate
from rules.periods import MONTH_NAMES
from tests.builders import TODAY

EXAMPLES = Path(__file__).resolve().parents[1] / "rules" / "examples"


def _lines(name: str) -> list[dict[str, str]]:
    request = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["request"]
    return list(evaluate(request, today=TODAY).to_dict()["lines"])


@pytest.mark.parametrize(
    ("example", "kind", "period", "expected"),
    [
        ("01-granted-full-time-with-aids.json", "remuneration", "2024-03",
         "21 jours de formation sur 31 en mars, moins 3 h 30 d'absence non justifiée."),
        ("01-granted-full-time-with-aids.json", "mobility", "2024-03",
         "42,5 km entre votre domicile et la formation ; 98 h de présence sur 105 h prévues en "
         "mars."),
        ("02-part-time-across-april-revaluation.json", "remuneration", "2024-03",
         "59 h 30 de présence et d'absence justifiée en mars."),
        ("03-insertion-employee-hours-outside-work.json", "remuneration", "2024-03",
         "28 h de formation hors de votre temps de travail."),
    ],
)  # fmt: skip
def test_a_plain_sentence_from_the_engines_own_figures(
    example: str, kind: str, period: str, expected: str
) -> None:
    line = next(x for x in _lines(example) if x["kind"] == kind and x["period"] == period)
    assert plain_sentence(kind, period, line["explanation"], MONTH_NAMES) == expected


def test_kinds_without_figures_have_no_sentence_of_their_own() -> None:
    advance = next(
        x for x in _lines("01-granted-full-time-with-aids.json") if x["kind"] == "advance"
    )
    assert plain_sentence("advance", advance["period"], advance["explanation"], MONTH_NAMES) is None


@pytest.mark.parametrize(
    "example",
    [
        "01-granted-full-time-with-aids.json",
        "02-part-time-across-april-revaluation.json",
        "03-insertion-employee-hours-outside-work.json",
        "06-abandonment-repays-remuneration.json",
    ],
)
def test_the_annex_keeps_the_calculation_and_drops_every_internal_note(example: str) -> None:
    for line in _lines(example):
        detail = detail_for_annex(line["explanation"])
        for internal in ("ypothèse", "en vigueur depuis", "à confirmer", "Pacte", "Décret"):
            assert internal not in detail, (internal, detail)
        assert detail.count("(") == detail.count(")")
        amount = line["amount"].lstrip("-").replace(".", ",")
        assert amount in detail.replace("\u202f", " ").replace(" ", "") or amount in detail


def test_hours_read_as_on_a_timesheet() -> None:
    assert [hours_in_words(x) for x in ("3,5", "98", "0,25", "151,67")] == [
        "3 h 30", "98 h", "0 h 15", "151 h 40",
    ]  # fmt: skip


def test_the_new_rib_letter_says_what_to_do_and_by_when() -> None:
    from datetime import date
    from decimal import Decimal

    from exports.letters import load_service_contact, load_templates
    from exports.letters.context import Recipient
    from exports.letters.guard import PersonalDataLeak
    from exports.letters.render import render_letter
    from exports.letters.rib_request import NewRibRequest, build_new_rib_request
    from tests.exports.pdftext import pdf_text

    recipient = Recipient(
        full_name="Marie Dupont", last_name="Dupont", address_lines=("1 rue A", "14000 Caen")
    )
    request = NewRibRequest(
        recipient=recipient,
        amount=Decimal("856.63"),
        payment_date=date(2024, 6, 17),
        masked_iban="FR76 **** **** **** **** ***0 189",
        reason="Compte clôturé",
        deadline=date(2024, 7, 20),
        reference="249A5D81",
    )
    templates, contact = load_templates(), load_service_contact()
    text = pdf_text(
        render_letter(
            build_new_rib_request(
                request, letter_date=date(2024, 6, 20), templates=templates, contact=contact
            )
        )
    )
    assert "Ce qui s'est passé" in text and "Ce que vous devez faire" in text
    assert "huit cent cinquante-six euros et soixante-trois centimes (856,63 €)" in text
    assert "avant le 20 juillet 2024" in text and "compte clôturé" in text
    with pytest.raises(ValueError, match="date limite"):
        build_new_rib_request(
            request, letter_date=date(2024, 7, 20), templates=templates, contact=contact
        )
    with pytest.raises(PersonalDataLeak):
        NewRibRequest(
            recipient=recipient,
            amount=Decimal("1"),
            payment_date=date(2024, 6, 17),
            masked_iban="FR7630006000011234567890189",
            reason="Compte clôturé",
            deadline=date(2024, 7, 20),
        )
