"""Payment notice and overpayment notice: money that moves, explained line by line.

A payment notice tells the trainee what a transfer pays, month by month, one plain sentence per
line (``exports.letters.plain``), and the detailed calculation on an annex page without the
sources and notes meant for the Region, so that a "where is my money / why this amount" call can
be answered from the letter. An overpayment notice says how much must be paid back, why, how it
will be recovered (offset on next payments or recovery order) and how to ask for a waiver
(remise gracieuse, article R6341-48 du Code du travail); it is a decision, so it carries the
remedies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from exports.letters.common import assemble, line_label, line_sentence, remedies_section
from exports.letters.context import (
    AmountRow,
    AmountTable,
    BulletItem,
    Bullets,
    Element,
    LetterContext,
    LetterKind,
    Paragraph,
    Section,
    ServiceContact,
)
from exports.letters.inputs import NoticeLine, OverpaymentNotice, PaymentNotice, RecoveryMethod
from exports.letters.plain import detail_for_annex, is_plain, plain_sentence
from exports.letters.templates import LetterTemplates
from exports.wording import (
    amount_in_figures,
    amount_in_words_and_figures,
    date_in_words,
    period_in_words,
)
from rules.periods import MONTH_NAMES, Month

__all__ = ["build_overpayment_notice", "build_payment_notice", "calculation_annex"]


def _by_period(lines: Iterable[NoticeLine]) -> dict[Month, list[NoticeLine]]:
    grouped: dict[Month, list[NoticeLine]] = {}
    for line in sorted(lines, key=lambda x: x.period):
        grouped.setdefault(line.period, []).append(line)
    return grouped


def _plain(t: LetterTemplates, line: NoticeLine) -> str:
    """The line in one plain sentence: its own figures when known, else what the kind means."""
    sentence = plain_sentence(line.kind, str(line.period), line.explanation, MONTH_NAMES)
    if sentence is None and is_plain(line.explanation):
        sentence = line.explanation  # written for the trainee already (an offset, say)
    return sentence or t.text(f"line_kind_help.{line.kind}")


def _line_item(t: LetterTemplates, line: NoticeLine) -> BulletItem:
    text = t.text(
        "payment_notice.line",
        label=line_label(line.kind),
        amount=amount_in_words_and_figures(line.amount),
    )
    return BulletItem(text, (_plain(t, line),))


def calculation_annex(t: LetterTemplates, lines: Iterable[NoticeLine]) -> tuple[Section, ...]:
    """The detailed calculation of each line, on its own page after the letter."""
    items = tuple(
        BulletItem(
            f"{period_in_words(line.period).capitalize()} – {line_label(line.kind)}",
            (detail_for_annex(line.explanation),),
        )
        for line in sorted(lines, key=lambda x: x.period)
        if line.explanation
    )
    if not items:
        return ()
    intro = Paragraph(t.text("calculation_annex.intro"))
    title = t.text("calculation_annex.title")
    return (Section(title, (intro, Bullets(items)), small=True, new_page=True),)


def _month_sections(t: LetterTemplates, lines: Iterable[NoticeLine]) -> list[Section]:
    sections = []
    for period, month_lines in _by_period(lines).items():
        title = t.text("payment_notice.month_title", of_month=period_in_words(period, of=True))
        items = tuple(_line_item(t, line) for line in month_lines)
        sections.append(Section(title, (Bullets(items),)))
    return sections


def _total_table(t: LetterTemplates, notice: PaymentNotice) -> Section:
    rows = tuple(
        AmountRow(
            f"{period_in_words(line.period).capitalize()} – {line_label(line.kind)}",
            amount_in_figures(line.amount),
        )
        for line in sorted(notice.lines, key=lambda x: x.period)
    )
    total_words = amount_in_words_and_figures(notice.total)
    total_row = AmountRow(t.text("payment_notice.total_row"), amount_in_figures(notice.total))
    return Section(
        t.text("payment_notice.total_title"),
        (
            AmountTable(rows, total_row),
            Paragraph(t.text("payment_notice.total", total=total_words), strong=True),
            Paragraph(t.text("payment_notice.check")),
        ),
    )


def build_payment_notice(
    notice: PaymentNotice,
    *,
    letter_date: date,
    templates: LetterTemplates,
    contact: ServiceContact,
) -> LetterContext:
    """What one transfer pays, for which month, line by line, with each line's explanation."""
    t = templates
    payment_date = date_in_words(notice.payment_date)
    intro = t.lines(
        "payment_notice.intro",
        payment_date=payment_date,
        total=amount_in_words_and_figures(notice.total),
        masked_iban=notice.masked_iban,
    )
    opening = [Paragraph(x) for x in intro]
    if notice.replaces_refused_transfer:
        opening.append(Paragraph(t.text("payment_notice.reissue")))
    sections = [
        Section(None, tuple(opening)),
        *_month_sections(t, notice.lines),
        _total_table(t, notice),
    ]
    return assemble(
        t,
        kind=LetterKind.PAYMENT_NOTICE,
        title=t.text("payment_notice.title"),
        contact=contact,
        recipient=notice.recipient,
        letter_date=letter_date,
        reference=notice.reference,
        subject=t.text(
            "payment_notice.subject", payment_date=date_in_words(notice.payment_date, article=False)
        ),
        sections=tuple(sections),
        annexes=calculation_annex(t, notice.lines),
    )


def _why_items(t: LetterTemplates, lines: Iterable[NoticeLine], *, owed: bool) -> Bullets:
    return Bullets(
        tuple(
            BulletItem(
                line_sentence(
                    t,
                    "overpayment_notice.line",
                    kind=line.kind,
                    period=line.period,
                    amount=-line.amount if owed else line.amount,
                ),
                (_plain(t, line),),
            )
            for line in sorted(lines, key=lambda x: x.period)
        )
    )


def _why(t: LetterTemplates, notice: OverpaymentNotice) -> Section:
    """The overpayment's lines: all negative, they read as what is owed; mixed (a month still paid
    and a larger sum taken back), they read as a calculation whose result is what is owed."""
    key = "overpayment_notice"
    elements: list[Element] = [Paragraph(notice.explanation)] if notice.explanation else []
    if notice.lines:
        owed = all(line.amount < 0 for line in notice.lines)
        if not owed:
            elements.append(Paragraph(t.text(f"{key}.mixed_intro")))
        elements.append(_why_items(t, notice.lines, owed=owed))
        if not owed:
            total = notice.amount + notice.already_recovered
            elements.append(
                Paragraph(
                    t.text(f"{key}.mixed_total", amount=amount_in_words_and_figures(total)),
                    strong=True,
                )
            )
    if notice.already_recovered > 0:
        recovered = amount_in_words_and_figures(notice.already_recovered)
        left = amount_in_words_and_figures(notice.amount)
        elements.append(
            Paragraph(t.text(f"{key}.already_recovered", recovered=recovered, amount=left))
        )
    return Section(t.text(f"{key}.why_title"), tuple(elements))


def _how(t: LetterTemplates, notice: OverpaymentNotice) -> Section:
    key = "overpayment_notice"
    elements: list[Element] = [Paragraph(x) for x in t.lines(f"{key}.{notice.recovery.value}")]
    if notice.recovery is RecoveryMethod.RECOVERY_ORDER and notice.recovery_order_reference:
        reference = notice.recovery_order_reference
        elements.append(Paragraph(t.text(f"{key}.recovery_order_reference", reference=reference)))
    return Section(t.text(f"{key}.how_title"), tuple(elements))


def build_overpayment_notice(
    notice: OverpaymentNotice,
    *,
    letter_date: date,
    templates: LetterTemplates,
    contact: ServiceContact,
) -> LetterContext:
    """How much to pay back, why, how it is recovered, how to ask for a waiver, the remedies."""
    t, key = templates, "overpayment_notice"
    if notice.waiver_deadline <= letter_date:
        raise ValueError("la date limite de la demande de remise doit suivre la date de la lettre")
    amount = amount_in_words_and_figures(notice.amount)
    intro: list[Element] = [Paragraph(x) for x in t.lines(f"{key}.intro", amount=amount)]
    if notice.training is not None:
        intro.append(Paragraph(t.text(f"{key}.training", training_name=notice.training.name)))
    deadline = date_in_words(notice.waiver_deadline)
    waiver = tuple(Paragraph(x) for x in t.lines(f"{key}.waiver", deadline=deadline))
    sections = [
        Section(None, tuple(intro)),
        _why(t, notice),
        _how(t, notice),
        Section(t.text(f"{key}.waiver_title"), waiver),
    ]
    return assemble(
        t,
        kind=LetterKind.OVERPAYMENT_NOTICE,
        title=t.text(f"{key}.title"),
        contact=contact,
        recipient=notice.recipient,
        letter_date=letter_date,
        reference=notice.reference,
        subject=t.text(f"{key}.subject"),
        sections=tuple(sections),
        annexes=(*calculation_annex(t, notice.lines), *remedies_section(t, contact)),
    )
