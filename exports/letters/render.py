"""Letter context → PDF bytes (A4), with reportlab.

Layout follows a French administrative letter: sender block on the left, recipient block in the
window of a DL window envelope (right side), place and date, references, subject line, body,
signature, then the remedies; every page carries a footer naming the template version and
"Page n sur N". The text is large (12 pt) and airy, as plain-language (FALC) guides ask.

The font is Bitstream Vera, shipped with reportlab and embedded (subset) in the file, so the PDF
reads the same everywhere and does not depend on the fonts of the server. ``invariant=1`` fixes
the creation date and the document id: the same context always gives the same bytes, which makes
letters reproducible and testable.
"""

from __future__ import annotations

import io
import unicodedata
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph

from exports.letters.context import (
    AmountTable,
    Bullets,
    Element,
    LetterContext,
    Paragraph,
    Section,
    ServiceContact,
)
from exports.letters.guard import assert_no_full_identifiers
from exports.letters.templates import fill

__all__ = ["render_letter"]

_FONT = "RemuSans"
_FONT_BOLD = "RemuSans-Bold"
_MARGIN = 20 * mm
_FRAME_PADDING = 6  # reportlab's default frame padding, in points, on each side
_FRAME_WIDTH = A4[0] - 2 * _MARGIN - 2 * _FRAME_PADDING
#: Characters Vera lacks, replaced by the closest one it has (same meaning for a reader).
_REPLACEMENTS = {"\u202f": "\u00a0", "\u2009": " ", "\u2011": "-", "\u2007": "\u00a0"}


@lru_cache(maxsize=1)
def _fonts() -> frozenset[int]:
    """Register the embedded fonts once; return the code points they can draw."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    if _FONT not in registered:
        pdfmetrics.registerFont(TTFont(_FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(_FONT_BOLD, "VeraBd.ttf"))
        pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_FONT_BOLD)
    regular: Any = pdfmetrics.getFont(_FONT)
    bold: Any = pdfmetrics.getFont(_FONT_BOLD)
    return frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)


def _drawable(text: str) -> str:
    """Keep what the font can draw; replace or decompose the rest (``ǅ`` → ``Dž``, else ``?``)."""
    known = _fonts()
    out: list[str] = []
    for original in text:
        char = _REPLACEMENTS.get(original, original)
        if ord(char) in known or char == "\n":
            out.append(char)
            continue
        decomposed = [c for c in unicodedata.normalize("NFKD", char) if ord(c) in known]
        out.append("".join(decomposed) or "?")
    return "".join(out)


def _markup(text: str) -> str:
    return escape(_drawable(text))


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", fontName=_FONT, fontSize=11.5, leading=16, spaceAfter=5)
    return {
        "body": body,
        "strong": ParagraphStyle("strong", parent=body, fontName=_FONT_BOLD),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5),
        "block": ParagraphStyle("block", parent=body, fontSize=10, leading=13.5, spaceAfter=0),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=_FONT_BOLD,
            fontSize=13,
            leading=17,
            spaceBefore=10,
            spaceAfter=5,
            textColor=colors.HexColor("#1f3864"),
        ),
        "subject": ParagraphStyle(
            "subject",
            parent=body,
            fontName=_FONT_BOLD,
            fontSize=12.5,
            leading=17,
            spaceBefore=6,
            spaceAfter=10,
        ),
        "detail": ParagraphStyle(
            "detail", parent=body, fontSize=10, leading=13.5, textColor=colors.HexColor("#333333")
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=10.5, leading=14, spaceAfter=0),
        "cell_right": ParagraphStyle(
            "cell_right", parent=body, fontSize=10.5, leading=14, spaceAfter=0, alignment=TA_RIGHT
        ),
    }


def _p(text: str, style: str = "body") -> RLParagraph:
    return RLParagraph(_markup(text), _styles()[style])


def _block(lines: list[str], first_bold: bool = True) -> list[RLParagraph]:
    styles = _styles()
    out = []
    for index, line in enumerate(lines):
        markup = _markup(line)
        if first_bold and index == 0:
            markup = f"<b>{markup}</b>"
        out.append(RLParagraph(markup, styles["block"]))
    return out


def _sender_lines(sender: ServiceContact) -> list[str]:
    lines = [sender.organisation]
    if sender.department:
        lines.append(sender.department)
    lines.extend([sender.service, *sender.address_lines])
    lines.extend([f"Téléphone : {sender.phone}", sender.email])
    return lines


def _header(context: LetterContext) -> Table:
    recipient = [context.recipient.full_name, *context.recipient.address_lines]
    table = Table(
        [[_block(_sender_lines(context.sender)), _block(recipient)]],
        colWidths=[90 * mm, _FRAME_WIDTH - 90 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (1, 0), (1, 0), 30 * mm),
            ]
        )
    )
    return table


def _bullets(element: Bullets) -> list[Flowable]:
    """One list per point, so that a long list can break between points, never a title alone."""
    lists: list[Flowable] = []
    for item in element.items:
        content: list[Flowable] = [_p(item.text)]
        content.extend(_p(detail, "detail") for detail in item.details)
        point = ListFlowable(
            [ListItem(content, leftIndent=14, value="•")],
            bulletType="bullet",
            start="•",
            leftIndent=14,
            bulletFontName=_FONT,
            spaceAfter=4,
        )
        lists.append(point)
    return lists


def _amount_table(element: AmountTable) -> Table:
    rows = [[_p(row.label, "cell"), _p(row.amount, "cell_right")] for row in element.rows]
    if element.total is not None:
        label = RLParagraph(f"<b>{_markup(element.total.label)}</b>", _styles()["cell"])
        amount = RLParagraph(f"<b>{_markup(element.total.amount)}</b>", _styles()["cell_right"])
        rows.append([label, amount])
    table = Table(rows, colWidths=[_FRAME_WIDTH - 45 * mm, 45 * mm], hAlign=TA_LEFT)
    style = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if element.total is not None:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 1, colors.black))
    table.setStyle(TableStyle(style))
    return table


def _element(element: Element, small: bool) -> list[Flowable]:
    if isinstance(element, Paragraph):
        style = "strong" if element.strong else ("small" if small else "body")
        return [_p(element.text, style)]
    if isinstance(element, Bullets):
        return _bullets(element)
    return [_amount_table(element)]


def _section(section: Section) -> list[Flowable]:
    flowables = [f for element in section.elements for f in _element(element, section.small)]
    if section.title is None:
        return flowables
    title = _p(section.title, "small" if section.small else "title")
    if section.small:
        title = RLParagraph(f"<b>{_markup(section.title)}</b>", _styles()["small"])
    return [KeepTogether([title, *flowables[:1]]), *flowables[1:]]


def _signature(sender: ServiceContact) -> list[Flowable]:
    lines = [
        x for x in (sender.signatory_delegation, sender.signatory_title, sender.signatory_name) if x
    ]
    style = ParagraphStyle("signature", parent=_styles()["body"], leftIndent=95 * mm)
    return [Spacer(1, 4 * mm), *(RLParagraph(_markup(x), style) for x in lines)]


def _story(context: LetterContext) -> list[Flowable]:
    story: list[Flowable] = [_header(context), Spacer(1, 10 * mm)]
    story.append(_p(context.place_date, "right"))
    story.extend(_p(ref) for ref in context.references)
    subject = f"<b>{_markup(context.subject_label)}</b> {_markup(context.subject)}"
    story.append(RLParagraph(subject, _styles()["subject"]))
    story.append(_p(context.greeting))
    for section in context.sections:
        story.extend(_section(section))
    story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether([*(_p(line) for line in context.closing), *_signature(context.sender)])
    )
    if context.annexes:
        story.append(Spacer(1, 6 * mm))
        for section in context.annexes:
            if section.new_page:
                story.append(PageBreak())
            story.extend(_section(section))
    return story


def _numbered_canvas(footer: str, page_label: str) -> type[Canvas]:
    """A canvas that knows the page count when it draws each footer ("Page 2 sur 3")."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, count)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, count: int) -> None:
            self.setFont(_FONT, 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(_MARGIN, 10 * mm, _drawable(footer))
            page = fill(page_label, {"page": str(number), "pages": str(count)})
            self.drawRightString(A4[0] - _MARGIN, 10 * mm, _drawable(page))

    return NumberedCanvas


def render_letter(context: LetterContext) -> bytes:
    """The letter as PDF bytes; the same context always gives the same bytes."""
    assert_no_full_identifiers(context.texts())
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=15 * mm,
        bottomMargin=20 * mm,
        title=context.title,
        author=context.sender.organisation,
        subject=context.subject,
        creator=f"remu – modèle {context.template_version}",
        lang="fr-FR",
        invariant=1,
    )
    document.build(
        _story(context), canvasmaker=_numbered_canvas(context.footer, context.page_label)
    )
    return buffer.getvalue()
