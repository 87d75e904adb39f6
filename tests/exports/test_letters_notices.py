"""Payment and overpayment notices: line by line, amounts in words and figures, the way out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from exports.letters import (
    LetterTemplates,
    NoticeLine,
    OverpaymentNotice,
    PaymentNotice,
    PersonalDataLeak,
    Recipient,
    RecoveryMethod,
    ServiceContact,
    TrainingInfo,
    build_overpayment_notice,
    build_payment_notice,
    find_full_identifiers,
    render_letter,
)
from rules.periods import Month
from tests.exports.pdftext import normalise, pdf_text

MASKED = "FR76 **** **** **** **** ***0 189"
REMUNERATION = (
    "Rémunération de mars 2024 (temps plein) : 723,36 € × 21 jours / 31 jours − 4,7693 € × 3,5 h "
    "d'absence non justifiée = 473,33 €."
)


def _lines() -> tuple[NoticeLine, ...]:
    return (
        NoticeLine("remuneration", Month(2024, 3), Decimal("473.33"), REMUNERATION),
        NoticeLine(
            "advance_recovery",
            Month(2024, 3),
            Decimal("-200.00"),
            (
                "Récupération de l'avance sur la rémunération de mars 2024 : le plus petit "
                "de l'avance restant due (200,00 €) et de la rémunération du mois "
                "(473,33 €) = 200,00 €."
            ),
        ),
        NoticeLine(
            "mobility",
            Month(2024, 3),
            Decimal("63.23"),
            "Aide à la mobilité de mars 2024 = 63,23 €.",
        ),
        NoticeLine(
            "remuneration",
            Month(2024, 4),
            Decimal("723.36"),
            "Rémunération d'avril 2024 = 723,36 €.",
        ),
    )


def _payment(recipient: Recipient, **changes: object) -> PaymentNotice:
    fields: dict[str, object] = {
        "recipient": recipient,
        "payment_date": date(2024, 5, 6),
        "masked_iban": MASKED,
        "lines": _lines(),
        "reference": "RM-2024-000123",
    }
    fields.update(changes)
    return PaymentNotice(**fields)  # type: ignore[arg-type]


def test_payment_notice_explains_each_line_by_month(
    templates: LetterTemplates, contact: ServiceContact, recipient: Recipient
) -> None:
    notice = _payment(recipient)
    assert notice.total == Decimal("1059.92")
    context = build_payment_notice(
        notice, letter_date=date(2024, 5, 2), templates=templates, contact=contact
    )
    text = pdf_text(render_letter(context))
    assert "Objet : Votre paiement du 6 mai 2024" in text
    assert "La Région vous fait un virement le 6 mai 2024." in text
    assert "mille cinquante-neuf euros et quatre-vingt-douze centimes (1 059,92 €)" in text
    assert f"votre compte bancaire {MASKED}" in text
    assert "Pour le mois de mars 2024" in text and "Pour le mois d'avril 2024" in text
    assert text.index("Pour le mois de mars 2024") < text.index("Pour le mois d'avril 2024")
    assert (
        "Rémunération : quatre cent soixante-treize euros et trente-trois centimes (473,33 €)."
        in text
    )
    assert "Récupération de l'avance : moins deux cents euros (−200,00 €)." in text
    assert "Aide à la mobilité : soixante-trois euros et vingt-trois centimes (63,23 €)." in text
    # One plain sentence per line; the engine's calculation on the annex page only.
    assert "21 jours de formation sur 31 en mars, moins 3 h 30 d'absence non justifiée." in text
    assert "Le calcul :" not in text
    annex = text.index("Annexe : le détail du calcul")
    assert text.index(normalise(REMUNERATION)) > annex
    assert normalise(templates.text("line_kind_help.advance_recovery")) in text
    assert "Total du virement : mille cinquante-neuf euros et quatre-vingt-douze centimes" in text
    for mention in (
        contact.phone,
        contact.email,
        "Ville-de-Démonstration, le 2 mai 2024",
        "modèle lettres-v1",
    ):
        assert mention in text
    assert "recours contentieux" not in text  # a notice of payment is not a decision
    assert find_full_identifiers(text) == []


def test_payment_notice_refuses_unmasked_account_and_empty_or_negative_payments(
    recipient: Recipient,
) -> None:
    with pytest.raises(PersonalDataLeak):
        _payment(recipient, masked_iban="FR7630006000011234567890189")
    with pytest.raises(PersonalDataLeak):
        _payment(recipient, masked_iban="FR76 3000 6000 0112 3456 7890 189")
    with pytest.raises(PersonalDataLeak):
        _payment(recipient, masked_iban="FR76 3000 6000 0112 3456 *890 189")
    with pytest.raises(ValueError, match="au moins une ligne"):
        _payment(recipient, lines=())
    overpayment = (NoticeLine("advance_recovery", Month(2024, 3), Decimal("-200.00"), ""),)
    with pytest.raises(ValueError, match="pas envoyé"):
        _payment(recipient, lines=overpayment)


def test_notice_lines_take_decimal_money_only() -> None:
    with pytest.raises(TypeError):
        NoticeLine("remuneration", Month(2024, 3), 473.33, "")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        NoticeLine("remuneration", Month(2024, 3), Decimal("473.333"), "")
    with pytest.raises(ValueError):
        NoticeLine("bonus", Month(2024, 3), Decimal("1.00"), "")
    with pytest.raises(TypeError):
        NoticeLine("remuneration", "2024-03", Decimal("1.00"), "")  # type: ignore[arg-type]


def test_a_full_iban_inside_an_explanation_is_refused(
    templates: LetterTemplates, contact: ServiceContact, recipient: Recipient
) -> None:
    leaking = NoticeLine(
        "remuneration",
        Month(2024, 3),
        Decimal("473.33"),
        "Virement vers FR76 3000 6000 0112 3456 7890 189.",
    )
    notice = _payment(recipient, lines=(leaking,))
    with pytest.raises(PersonalDataLeak):
        build_payment_notice(
            notice, letter_date=date(2024, 5, 2), templates=templates, contact=contact
        )


def _overpayment(
    recipient: Recipient, training: TrainingInfo, **changes: object
) -> OverpaymentNotice:
    fields: dict[str, object] = {
        "recipient": recipient,
        "amount": Decimal("899.38"),
        "lines": (
            NoticeLine(
                "overpayment",
                Month(2024, 4),
                Decimal("-899.38"),
                "Abandon de la formation le 19 avril 2024 : "
                "l'avance et la rémunération sont à rembourser.",
            ),
        ),
        "explanation": "Vous avez quitté la formation le 19 avril 2024 sans raison valable.",
        "recovery": RecoveryMethod.RECOVERY_ORDER,
        "waiver_deadline": date(2024, 7, 31),
        "training": training,
        "reference": "RM-2024-000123",
        "recovery_order_reference": "T-2024-555",
    }
    fields.update(changes)
    return OverpaymentNotice(**fields)  # type: ignore[arg-type]


def test_overpayment_notice_says_why_how_and_how_to_ask_for_a_waiver(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    notice = _overpayment(recipient, training)
    context = build_overpayment_notice(
        notice, letter_date=date(2024, 5, 31), templates=templates, contact=contact
    )
    text = pdf_text(render_letter(context))
    amount = "huit cent quatre-vingt-dix-neuf euros et trente-huit centimes (899,38 €)"
    assert f"Vous devez rembourser {amount}." in text
    assert f"Avril 2024, trop-perçu : {amount}." in text
    assert "sans raison valable" in text
    assert "Titre professionnel Agent de restauration" in text
    assert "titre de recette" not in text  # the public accountant issues that, not remu
    assert "comptable public de la Région" in text
    assert (
        "Référence de notre demande de remboursement, à rappeler si vous nous écrivez : T-2024-555."
        in text
    )
    assert "remise gracieuse" in text
    assert "article R6341-48 du Code du travail" in text
    assert "Écrivez au Président du Conseil régional avant le 31 juillet 2024." in text
    for mention in (
        "recours gracieux",
        "recours contentieux",
        "Télérecours citoyens",
        contact.phone,
    ):
        assert mention in text
    assert find_full_identifiers(text) == []


def test_overpayment_by_offset_says_there_is_nothing_to_pay_now(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    notice = _overpayment(
        recipient, training, recovery=RecoveryMethod.OFFSET, recovery_order_reference=None, lines=()
    )
    context = build_overpayment_notice(
        notice, letter_date=date(2024, 5, 31), templates=templates, contact=contact
    )
    text = pdf_text(render_letter(context))
    assert "Nous retirons cette somme de vos prochains paiements." in text
    assert "titre de recette" not in text


def test_overpayment_notice_refuses_inconsistent_data(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    with pytest.raises(ValueError, match="montant positif"):
        _overpayment(recipient, training, amount=Decimal("0.00"), lines=())
    with pytest.raises(ValueError, match="ne font pas"):
        _overpayment(recipient, training, amount=Decimal("900.00"))
    with pytest.raises(ValueError, match="titre"):
        _overpayment(recipient, training, recovery=RecoveryMethod.OFFSET)
    notice = _overpayment(recipient, training)
    with pytest.raises(ValueError, match="date limite"):
        build_overpayment_notice(
            notice, letter_date=date(2024, 8, 1), templates=templates, contact=contact
        )
