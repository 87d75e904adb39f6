"""Pieces every letter shares: greeting, contact block, remedies, line wording, the envelope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from exports.letters.context import (
    BulletItem,
    Bullets,
    LetterContext,
    LetterKind,
    Paragraph,
    Recipient,
    Section,
    ServiceContact,
)
from exports.letters.templates import LetterTemplates, PlainText
from exports.wording import amount_in_words_and_figures, date_in_words, period_in_words
from remuneration.domain.vocabulary import LINE_KIND_LABELS
from rules.periods import Month

__all__ = [
    "assemble",
    "contact_section",
    "greeting",
    "line_label",
    "line_sentence",
    "plain_item",
    "remedies_section",
]


def greeting(t: LetterTemplates, recipient: Recipient) -> str:
    if recipient.civility:
        return t.text(
            "common.greeting_civility",
            civility=recipient.civility,
            last_name=recipient.last_name,
        )
    return t.text("common.greeting_name", full_name=recipient.full_name)


def contact_section(t: LetterTemplates, contact: ServiceContact, reference: str | None) -> Section:
    """How to reach the service: every letter to a trainee must say it (docs/cases.md)."""
    items = [
        t.text("common.contact_phone", phone=contact.phone, hours=contact.hours),
        t.text("common.contact_email", email=contact.email),
        t.text(
            "common.contact_mail",
            address=", ".join((contact.service, *contact.address_lines)),
        ),
    ]
    elements: list[Paragraph | Bullets] = [
        Paragraph(
            t.text(
                "common.contact_intro",
                service=contact.service[0].lower() + contact.service[1:],
            )
        ),
        Bullets(tuple(BulletItem(item) for item in items)),
    ]
    if reference:
        elements.append(Paragraph(t.text("common.contact_reference", reference=reference)))
    return Section(t.text("common.contact_title"), tuple(elements))


def remedies_section(t: LetterTemplates, contact: ServiceContact) -> tuple[Section, Section]:
    """Voies et délais de recours, in plain words then in the legal wording (CJA R421-5)."""
    court = {"court_name": contact.court_name, "court_address": contact.court_address}
    plain = Section(
        t.text("remedies.title"),
        tuple(Paragraph(line) for line in t.lines("remedies.paragraphs", **court)),
    )
    legal = Section(
        t.text("remedies.legal_title"),
        (Paragraph(t.text("remedies.legal", court_name=contact.court_name)),),
        small=True,
    )
    return plain, legal


def plain_item(t: LetterTemplates, wording: PlainText) -> BulletItem:
    return BulletItem(wording.text, (f"{t.text('common.what_to_do')} {wording.action}",))


def line_label(kind: str) -> str:
    """A line's kind in the glossary's words, the same in the letters, the console and the
    finance exports (``remuneration.domain.vocabulary``); the letter's templates hold the kind's
    plain-language help (``line_kind_help``), not its name."""
    return LINE_KIND_LABELS[kind]


def line_sentence(
    t: LetterTemplates, key: str, *, kind: str, period: Month | str, amount: Decimal
) -> str:
    """``Mars 2024, rémunération : quatre cent … (473,33 €)`` through the template ``key``."""
    month = period_in_words(period)
    return t.text(
        key,
        month=month[0].upper() + month[1:],
        label=line_label(kind).lower(),
        amount=amount_in_words_and_figures(amount),
    )


def assemble(
    t: LetterTemplates,
    *,
    kind: LetterKind,
    title: str,
    contact: ServiceContact,
    recipient: Recipient,
    letter_date: date,
    reference: str | None,
    subject: str,
    sections: tuple[Section, ...],
    annexes: tuple[Section, ...] = (),
) -> LetterContext:
    """Put the envelope around the body: sender, date, references, greeting, closing, footer."""
    return LetterContext(
        kind=kind,
        template_version=t.version,
        title=title,
        sender=contact,
        recipient=recipient,
        place_date=t.text("common.place_date", city=contact.city, date=date_in_words(letter_date)),
        references=(t.text("common.reference", reference=reference),) if reference else (),
        subject_label=t.text("common.subject_label"),
        subject=subject,
        greeting=greeting(t, recipient),
        sections=(*sections, contact_section(t, contact, reference)),
        closing=t.lines("common.closing"),
        annexes=annexes,
        footer=t.text(
            "common.footer",
            organisation=contact.organisation,
            title=title,
            version=t.version,
        ),
        page_label=t.raw_text("common.page"),
    )
