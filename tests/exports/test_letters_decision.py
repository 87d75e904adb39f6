"""Decision letters from real engine results: the mentions, the figures, the plain words."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from exports.letters import (
    LetterTemplates,
    Recipient,
    ResultError,
    ServiceContact,
    TrainingInfo,
    build_decision_letter,
    find_full_identifiers,
    render_letter,
)
from exports.wording import amount_in_figures, amount_in_words_and_figures
from rules import evaluate, result_to_json
from rules.reasons import ReasonCode
from tests.exports.conftest import load_json
from tests.exports.pdftext import normalise, page_count, pdf_text

LETTER_DATE = date(2024, 6, 15)
REMUNERATION_CODES = [
    code for code in ReasonCode if not code.name.startswith(("AID", "EQUIP", "LICENCE"))
]
DOCUMENT_CODES = {
    "IDENTITY_EXPIRED": "documents.identity",
    "NIR_INVALID": "documents.vitale",
    "NIR_MISMATCH": "documents.vitale",
    "IBAN_INVALID": "documents.rib",
    "IBAN_NOT_SEPA": "documents.rib",
    "RIB_HOLDER_MISMATCH": "documents.rib",
}
AID_CODES = [code for code in ReasonCode if code.name.startswith(("AID", "EQUIP", "LICENCE"))]


def engine_result(example: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Evaluate a request with the real engine; the result as a decision record stores it."""
    request = load_json(f"requests/{example}.json")
    result = json.loads(result_to_json(evaluate(request, today=LETTER_DATE)))
    return request, result


def letter_text(
    result: dict[str, Any],
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> str:
    context = build_decision_letter(
        result,
        recipient=recipient,
        training=training,
        letter_date=LETTER_DATE,
        templates=templates,
        contact=contact,
        reference="RM-2024-000123",
    )
    return pdf_text(render_letter(context))


def assert_mandatory_mentions(text: str, contact: ServiceContact) -> None:
    """Who writes, how to reach them, the remedies and their deadlines, the template version."""
    for mention in (
        contact.organisation,
        contact.phone,
        contact.email,
        normalise(contact.hours),
        "Ville-de-Démonstration, le 15 juin 2024",
        "Votre numéro de dossier : RM-2024-000123",
        "recours gracieux",
        "Président du Conseil régional",
        "recours contentieux",
        "tribunal administratif de Ville-de-Démonstration",
        "deux mois",
        "Télérecours citoyens",
        "www.telerecours.fr",
        "Voies et délais de recours",
        "modèle lettres-v1",
    ):
        assert mention in text, mention


def test_granted_letter_shows_the_engines_figures_in_words_and_figures(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    request, result = engine_result("01-granted-full-time-with-aids")
    assert result["decision"] == "granted"
    text = letter_text(result, templates, contact, recipient, training)
    assert_mandatory_mentions(text, contact)
    assert "Objet : Votre demande de rémunération est acceptée" in text
    assert "Bonjour Madame Dupont," in text
    assert "du 11 mars 2024 au 27 septembre 2024" in text
    monthly = "sept cent vingt-trois euros et trente-six centimes (723,36 €)"
    assert f"Pour un mois complet de formation, vous recevez {monthly}." in text
    assert "une avance de deux cents euros (200,00 €)" in text
    assert "Nous retirons ensuite cette somme de vos premiers paiements." in text
    assert "aide à la mobilité" in text
    for line in result["lines"]:
        assert normalise(amount_in_figures(Decimal(line["amount"]))) in text
    total = normalise(amount_in_words_and_figures(Decimal(result["total"])))
    assert total == "mille quatre cent six euros et cinquante-six centimes (1 406,56 €)"
    assert f"Total : {total}." in text
    equipment = "trois cent vingt euros (320,00 €)"
    assert f"Aide à l'équipement : votre demande est acceptée. Vous recevez {equipment}." in text
    assert "Nous versons cette aide avec le paiement du mois d'avril 2024." in text
    assert "cinq cent cinquante euros (550,00 €)" in text
    assert "le paiement du mois de mai 2024" in text
    assert "Nous payons chaque mois, après la fin du mois." in text
    assert request["documents"]["vitale"]["nir"] not in text.replace(" ", "")
    assert request["documents"]["rib"]["iban"] not in text.replace(" ", "")
    assert find_full_identifiers(text) == []


def test_rejected_letter_explains_the_reason_and_keeps_the_granted_aid(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    _, result = engine_result("04-are-recipient-rejected-licence-granted")
    assert result["decision"] == "rejected"
    text = letter_text(result, templates, contact, recipient, training)
    assert_mandatory_mentions(text, contact)
    assert "Votre demande est refusée." in text
    reason = templates.reason("INDEMNIFIED_BY_FRANCE_TRAVAIL")
    assert normalise(reason.text) in text
    assert f"Ce que vous pouvez faire : {normalise(reason.action)}" in text
    licence = "six cents euros (600,00 €)"
    assert (
        f"Aide au permis de conduire : votre demande est acceptée. Vous recevez {licence}." in text
    )
    assert "Pour un mois complet" not in text


def test_incomplete_letter_lists_what_to_send(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    request, result = engine_result("05-incomplete-holder-and-identity")
    assert result["decision"] == "incomplete"
    text = letter_text(result, templates, contact, recipient, training)
    assert_mandatory_mentions(text, contact)
    assert "Objet : Votre dossier de rémunération n'est pas complet" in text
    for wording in (
        templates.reason("RIB_HOLDER_MISMATCH"),
        templates.missing_item("documents.identity"),
    ):
        assert normalise(wording.text) in text
        assert normalise(wording.action) in text
    assert "Envoyez-nous ce qui manque, par courrier ou par e-mail." in text
    assert request["documents"]["rib"]["holder"] not in text
    assert find_full_identifiers(text) == []


def test_every_remuneration_reason_has_its_plain_words_in_the_letter(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    remuneration = [c for c in REMUNERATION_CODES if c.value not in DOCUMENT_CODES]
    aid_reasons = [
        {"code": code.value, "scope": "aid_requests[0]", "message": "", "rule": "r"}
        for code in AID_CODES
    ]
    result = {
        "decision": "rejected",
        "reasons": [
            *(
                {"code": c.value, "scope": "remuneration", "message": "", "rule": "r"}
                for c in remuneration
            ),
            *aid_reasons,
        ],
        "missing": [],
        "lines": [],
        "aid_decisions": [
            {
                "index": 0,
                "kind": "driving_licence",
                "decision": "rejected",
                "amount": None,
                "reasons": [code.value for code in AID_CODES],
            },
        ],
        "total": "0.00",
    }
    text = letter_text(result, templates, contact, recipient, training)
    for code in [*remuneration, *AID_CODES]:
        wording = templates.reason(code.value)
        assert normalise(wording.text) in text, code
        assert normalise(wording.action) in text, code
    assert "Aide au permis de conduire : votre demande est refusée." in text


def test_every_document_problem_and_missing_document_is_explained(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    result = {
        "decision": "incomplete",
        "reasons": [
            {"code": code, "scope": scope, "message": "", "rule": "r"}
            for code, scope in DOCUMENT_CODES.items()
        ],
        "missing": [
            "documents.identity",
            "documents.vitale",
            "documents.rib",
            "trainee.unheard_of",
        ],
        "lines": [],
        "aid_decisions": [],
        "total": "0.00",
    }
    text = letter_text(result, templates, contact, recipient, training)
    wordings = [templates.reason(code) for code in DOCUMENT_CODES]
    wordings += [
        templates.missing_item(p)
        for p in ("documents.identity", "documents.vitale", "documents.rib")
    ]
    wordings.append(templates.missing_item("trainee.unheard_of"))
    for wording in wordings:
        assert normalise(wording.text) in text
        assert normalise(wording.action) in text
    assert "Une information manque dans votre dossier." in text
    assert "documents." not in text and "trainee." not in text  # no JSON path reaches a trainee


def test_incomplete_aid_names_its_own_missing_inputs(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    result = load_json("result-incomplete.json")
    text = letter_text(result, templates, contact, recipient, training)
    assert "Aide au permis de conduire : nous ne pouvons pas encore décider." in text
    assert normalise(templates.missing_item("aid_requests[0].code_status").text) in text
    assert normalise(templates.text("decision.aids.incomplete_documents")) in text


def test_granted_without_any_month_yet_says_the_amount_depends_on_presence(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    result = {
        "decision": "granted",
        "reasons": [],
        "missing": [],
        "lines": [],
        "aid_decisions": [],
        "total": "0.00",
    }
    text = letter_text(result, templates, contact, recipient, training)
    assert "Le montant de chaque mois dépend de vos heures de présence." in text
    explicit = build_decision_letter(
        result,
        recipient=recipient,
        training=training,
        letter_date=LETTER_DATE,
        templates=templates,
        contact=contact,
        monthly_amount=Decimal("756.63"),
    )
    assert any(
        "sept cent cinquante-six euros et soixante-trois centimes" in t for t in explicit.texts()
    )


@pytest.mark.parametrize(
    "broken",
    [
        {"decision": "maybe"},
        {"total": 12.5},
        {"total": "99.00"},
        {"lines": [{"kind": "bonus", "period": "2024-03", "amount": "1.00"}]},
        {"lines": [{"kind": "advance", "period": "March", "amount": "1.00"}]},
    ],
)
def test_a_result_off_the_contract_is_refused(
    broken: dict[str, Any],
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    result = {**load_json("result-granted.json"), **broken}
    with pytest.raises(ResultError):
        build_decision_letter(
            result,
            recipient=recipient,
            training=training,
            letter_date=LETTER_DATE,
            templates=templates,
            contact=contact,
        )


def test_long_letter_is_a4_and_numbered(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    context = build_decision_letter(
        load_json("result-granted.json"),
        recipient=recipient,
        training=training,
        letter_date=LETTER_DATE,
        templates=templates,
        contact=contact,
    )
    data = render_letter(context)
    pages = page_count(data)
    assert pages >= 2
    text = pdf_text(data)
    for number in range(1, pages + 1):
        assert f"Page {number} sur {pages}" in text
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
