"""What a letter says, as plain immutable data: the seam between wording and rendering.

Builders (``decision.py``, ``notices.py``) turn business data into a ``LetterContext`` made only of
final French strings; ``render.py`` lays it out. Keeping the two apart lets the text be tested
without a PDF, lets the same context be rendered the same way every time, and gives one place to
check that no full NIR or IBAN reaches a letter: a context refuses to exist with one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from exports.letters.guard import assert_no_full_identifiers

__all__ = [
    "LETTER_KIND_LABELS",
    "AmountRow",
    "AmountTable",
    "BulletItem",
    "Bullets",
    "Element",
    "LetterContext",
    "LetterKind",
    "Paragraph",
    "Recipient",
    "Section",
    "ServiceContact",
]


class LetterKind(StrEnum):
    DECISION = "decision"
    PAYMENT_NOTICE = "payment_notice"
    OVERPAYMENT_NOTICE = "overpayment_notice"
    NEW_RIB_REQUEST = "new_rib_request"


LETTER_KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        LetterKind.DECISION.value: "Courrier de décision",
        LetterKind.PAYMENT_NOTICE.value: "Avis de paiement",
        LetterKind.OVERPAYMENT_NOTICE.value: "Avis de trop-perçu",
        LetterKind.NEW_RIB_REQUEST.value: "Demande de nouveau RIB",
    }
)
"""A letter's kind as finance and agents read it (the bulk manifest, the console's letters), in
the glossary's words and those of the letters' own titles."""


@dataclass(frozen=True, slots=True)
class ServiceContact:
    """The Region's service that writes, and how a trainee reaches it (a mandatory mention)."""

    organisation: str
    service: str
    department: str | None
    address_lines: tuple[str, ...]
    city: str
    phone: str
    hours: str
    email: str
    website: str | None
    signatory_delegation: str | None
    signatory_title: str
    signatory_name: str | None
    court_name: str
    court_address: str

    def texts(self) -> Iterator[str]:
        yield from (self.organisation, self.service, self.city, self.phone, self.hours)
        yield from (self.email, self.signatory_title, self.court_name, self.court_address)
        yield from self.address_lines
        optional = (self.department, self.website, self.signatory_delegation, self.signatory_name)
        yield from (text for text in optional if text)


@dataclass(frozen=True, slots=True)
class Recipient:
    """The trainee as the envelope shows them: name and postal address, nothing else."""

    full_name: str
    last_name: str
    address_lines: tuple[str, ...]
    civility: str | None = None

    def __post_init__(self) -> None:
        if not self.full_name.strip() or not self.address_lines:
            raise ValueError("le destinataire a besoin d'un nom et d'une adresse")


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class BulletItem:
    """One point of a list; ``details`` are shown under it (what to do, how it was computed)."""

    text: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[BulletItem, ...]


@dataclass(frozen=True, slots=True)
class AmountRow:
    label: str
    amount: str


@dataclass(frozen=True, slots=True)
class AmountTable:
    """Amounts already formatted in figures, aligned for reading; the total row is emphasised."""

    rows: tuple[AmountRow, ...]
    total: AmountRow | None = None


Element = Paragraph | Bullets | AmountTable


@dataclass(frozen=True, slots=True)
class Section:
    title: str | None
    elements: tuple[Element, ...]
    small: bool = False
    new_page: bool = False


def _element_texts(element: Element) -> Iterator[str]:
    if isinstance(element, Paragraph):
        yield element.text
    elif isinstance(element, Bullets):
        for item in element.items:
            yield item.text
            yield from item.details
    else:
        rows = element.rows + ((element.total,) if element.total else ())
        for row in rows:
            yield row.label
            yield row.amount


@dataclass(frozen=True, slots=True)
class LetterContext:
    """Everything a letter shows, in order; refuses to exist with a full NIR or IBAN inside.

    ``sections`` come before the closing and the signature; ``annexes`` (the remedies) after.
    """

    kind: LetterKind
    template_version: str
    title: str
    sender: ServiceContact
    recipient: Recipient
    place_date: str
    references: tuple[str, ...]
    subject_label: str
    subject: str
    greeting: str
    sections: tuple[Section, ...]
    closing: tuple[str, ...]
    annexes: tuple[Section, ...]
    footer: str
    page_label: str = field(default="Page {page} sur {pages}")

    def __post_init__(self) -> None:
        assert_no_full_identifiers(self.texts())

    def texts(self) -> Iterator[str]:
        """Every string the letter shows, for the personal-data guard and for tests."""
        yield from (self.title, self.place_date, self.subject_label, self.subject, self.greeting)
        yield from (self.footer, self.recipient.full_name)
        yield from self.recipient.address_lines
        yield from self.references
        yield from self.closing
        yield from self.sender.texts()
        for section in (*self.sections, *self.annexes):
            if section.title:
                yield section.title
            for element in section.elements:
                yield from _element_texts(element)
