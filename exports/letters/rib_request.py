"""The letter asking a trainee for a new RIB after their bank refused or returned a transfer.

It says what happened (the transfer, the masked account, the bank's reason in words), what to do
(a RIB in their name, for a current account) and by when (``letter_rules.yaml``), and what
follows: the same sum is paid again once the new RIB is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from exports.letters.common import assemble
from exports.letters.context import (
    LetterContext,
    LetterKind,
    Paragraph,
    Recipient,
    Section,
    ServiceContact,
)
from exports.letters.guard import require_masked_iban
from exports.letters.templates import LetterTemplates
from exports.wording import amount_in_words_and_figures, date_in_words

__all__ = ["NewRibRequest", "build_new_rib_request"]


@dataclass(frozen=True, slots=True)
class NewRibRequest:
    """A transfer that came back: to whom, how much, when, to which account, why."""

    recipient: Recipient
    amount: Decimal
    payment_date: date
    masked_iban: str
    reason: str
    deadline: date
    reference: str | None = None

    def __post_init__(self) -> None:
        require_masked_iban(self.masked_iban)
        if self.amount <= 0:
            raise ValueError("un virement renvoyé a un montant positif")


def build_new_rib_request(
    request: NewRibRequest,
    *,
    letter_date: date,
    templates: LetterTemplates,
    contact: ServiceContact,
) -> LetterContext:
    """What happened, what to do and by when, and what follows."""
    t, key = templates, "new_rib_request"
    if request.deadline <= letter_date:
        raise ValueError("la date limite d'envoi du RIB doit suivre la date de la lettre")
    payment_date = date_in_words(request.payment_date, article=False)

    def section(name: str, **values: str) -> Section:
        paragraphs = tuple(Paragraph(x) for x in t.lines(f"{key}.{name}", **values))
        return Section(t.text(f"{key}.{name}_title"), paragraphs)

    sections = (
        section(
            "what_happened",
            payment_date=payment_date,
            amount=amount_in_words_and_figures(request.amount),
            masked_iban=request.masked_iban,
            reason=request.reason[0].lower() + request.reason[1:],
        ),
        section("todo", deadline=date_in_words(request.deadline, article=False)),
        section("after"),
    )
    return assemble(
        t,
        kind=LetterKind.NEW_RIB_REQUEST,
        title=t.text(f"{key}.title"),
        contact=contact,
        recipient=request.recipient,
        letter_date=letter_date,
        reference=request.reference,
        subject=t.text(f"{key}.subject", payment_date=payment_date),
        sections=sections,
    )
