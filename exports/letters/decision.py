"""The decision letter: what the Region decided on a remuneration request, and why, in plain words.

Built from the evaluation result of the contract (the same object the engine returns and a
decision record keeps), so the letter's figures are the engine's figures. A decision letter always
carries the service's contact and the remedies and their deadlines (voies et délais de recours):
without them the two-month deadline does not run (Code de justice administrative, R421-5).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from exports.letters.common import (
    assemble,
    line_sentence,
    plain_item,
    remedies_section,
)
from exports.letters.context import (
    BulletItem,
    Bullets,
    Element,
    LetterContext,
    LetterKind,
    Paragraph,
    Recipient,
    Section,
    ServiceContact,
)
from exports.letters.inputs import TrainingInfo
from exports.letters.templates import LetterTemplates
from exports.wording import (
    amount_in_words_and_figures,
    date_range_in_words,
    period_in_words,
)
from remuneration.domain.vocabulary import LINE_KIND_LABELS
from rules.recorded import RecordedAid, RecordedLine, RecordedResult, read_result

__all__ = ["build_decision_letter"]

_MONTHLY_AMOUNT = "remuneration.monthly_amount"
_RECOVERABLE = "advance.recoverable"
_AID_INPUTS = {
    "driving_licence": (
        "training.licence_useful_for_trade",
        "history.driving_licence_aid_received",
    ),
}


def _lines_of(outcome: RecordedResult, kind: str) -> list[RecordedLine]:
    return [line for line in outcome.lines if line.kind == kind]


def _monthly_amount(outcome: RecordedResult, explicit: Decimal | None) -> Decimal | None:
    """The full-month amount: given by the caller, else the one used by the latest month."""
    if explicit is not None:
        return explicit
    used = [
        line.parameters[_MONTHLY_AMOUNT]
        for line in _lines_of(outcome, "remuneration")
        if _MONTHLY_AMOUNT in line.parameters
    ]
    return Decimal(used[-1]) if used else None


def _granted(t: LetterTemplates, outcome: RecordedResult, monthly: Decimal | None) -> list[Element]:
    key = "decision.granted"
    elements: list[Element] = [Paragraph(t.text(f"{key}.decision"), strong=True)]
    if monthly is None:
        elements.append(Paragraph(t.text(f"{key}.monthly_unknown")))
    else:
        amount = amount_in_words_and_figures(monthly)
        elements.append(Paragraph(t.text(f"{key}.monthly", amount=amount)))
    elements.append(Paragraph(t.text(f"{key}.monthly_less_intro")))
    elements.append(Bullets(tuple(BulletItem(x) for x in t.lines(f"{key}.monthly_less"))))
    advances = _lines_of(outcome, "advance")
    if advances:
        amount = amount_in_words_and_figures(advances[0].amount)
        elements.append(Paragraph(t.text(f"{key}.advance", amount=amount)))
        recoverable = advances[0].parameters.get(_RECOVERABLE) == "true"
        if recoverable or _lines_of(outcome, "advance_recovery"):
            elements.extend(Paragraph(x) for x in t.lines(f"{key}.advance_recovered"))
    if _lines_of(outcome, "mobility"):
        elements.extend(Paragraph(x) for x in t.lines(f"{key}.mobility"))
    return elements


def _computed_lines(t: LetterTemplates, outcome: RecordedResult) -> Section | None:
    if not outcome.lines:
        return None
    key = "decision.granted"
    items = tuple(
        BulletItem(
            line_sentence(t, f"{key}.line", kind=line.kind, period=line.period, amount=line.amount)
        )
        for line in outcome.lines
    )
    total = t.text(f"{key}.total", amount=amount_in_words_and_figures(outcome.total))
    return Section(
        t.text(f"{key}.lines_title"),
        (Paragraph(t.text(f"{key}.lines_intro")), Bullets(items), Paragraph(total, strong=True)),
    )


def _document_items(t: LetterTemplates, outcome: RecordedResult) -> list[BulletItem]:
    """Missing inputs of the remuneration, then document problems, in the engine's order."""
    items = [
        plain_item(t, t.missing_item(path))
        for path in outcome.missing
        if not path.startswith("aid_requests[") and not _is_aid_input(path)
    ]
    items.extend(
        plain_item(t, t.reason(reason.code))
        for reason in outcome.reasons
        if reason.scope.startswith("documents.")
    )
    return items


def _is_aid_input(path: str) -> bool:
    return any(path in inputs for inputs in _AID_INPUTS.values())


def _rejected(t: LetterTemplates, outcome: RecordedResult) -> list[Element]:
    items = tuple(
        plain_item(t, t.reason(reason.code))
        for reason in outcome.reasons
        if reason.scope == "remuneration"
    )
    return [
        Paragraph(t.text("decision.rejected.decision"), strong=True),
        Paragraph(t.text("decision.rejected.why")),
        Bullets(items),
    ]


def _incomplete(t: LetterTemplates, outcome: RecordedResult) -> list[Element]:
    key = "decision.incomplete"
    first, *rest = t.lines(f"{key}.decision")
    return [
        Paragraph(first, strong=True),
        *(Paragraph(x) for x in rest),
        Paragraph(t.text(f"{key}.list_intro")),
        Bullets(tuple(_document_items(t, outcome))),
        *(Paragraph(x) for x in t.lines(f"{key}.send")),
    ]


def _aid_missing(t: LetterTemplates, outcome: RecordedResult, aid: RecordedAid) -> list[BulletItem]:
    own = f"aid_requests[{aid.index}]"
    shared = _AID_INPUTS.get(aid.kind, ())
    return [
        plain_item(t, t.missing_item(path))
        for path in outcome.missing
        if path.startswith(f"{own}.") or path == own or path in shared
    ]


def _aid_elements(
    t: LetterTemplates, outcome: RecordedResult, aid: RecordedAid, paid: list[RecordedLine]
) -> list[Element]:
    key = "decision.aids"
    name = LINE_KIND_LABELS[aid.kind.value]  # an aid is named as its line (one word per concept)
    if aid.decision == "granted" and aid.amount is not None:
        amount = amount_in_words_and_figures(aid.amount)
        elements: list[Element] = [Paragraph(t.text(f"{key}.granted", aid=name, amount=amount))]
        line = next((x for x in paid if x.kind.value == aid.kind.value), None)
        if line is not None:
            paid.remove(line)
            when = period_in_words(line.period, of=True)
            elements.append(Paragraph(t.text(f"{key}.granted_when", of_month=when)))
        return elements
    if aid.decision == "rejected":
        items = [plain_item(t, t.reason(code)) for code in aid.reasons]
        return [Paragraph(t.text(f"{key}.rejected", aid=name)), Bullets(tuple(items))]
    elements = [Paragraph(t.text(f"{key}.incomplete", aid=name))]
    missing = _aid_missing(t, outcome, aid)
    if missing:
        elements.append(Bullets(tuple(missing)))
    return elements


def _aids(t: LetterTemplates, outcome: RecordedResult) -> Section | None:
    if not outcome.aid_decisions:
        return None
    paid = [line for line in outcome.lines if line.kind in ("equipment", "driving_licence")]
    elements: list[Element] = []
    for aid in outcome.aid_decisions:
        elements.extend(_aid_elements(t, outcome, aid, paid))
    if any(aid.decision == "incomplete" for aid in outcome.aid_decisions):
        documents = _document_items(t, outcome)
        if outcome.decision == "incomplete":
            elements.append(Paragraph(t.text("decision.aids.incomplete_documents")))
        elif documents:
            elements.append(Paragraph(t.text("decision.aids.documents_intro")))
            elements.append(Bullets(tuple(documents)))
    return Section(t.text("decision.aids.title"), tuple(elements))


def _body(
    t: LetterTemplates, outcome: RecordedResult, training: TrainingInfo, monthly: Decimal | None
) -> list[Section]:
    dates = date_range_in_words(training.start_date, training.end_date)
    intro = t.lines("decision.intro", training_name=training.name, training_dates=dates)
    sections = [Section(None, tuple(Paragraph(x) for x in intro))]
    title = t.text("decision.decision_title")
    if outcome.decision == "granted":
        sections.append(Section(title, tuple(_granted(t, outcome, monthly))))
        when = t.lines("decision.granted.when_paid")
        sections.append(
            Section(t.text("decision.granted.when_title"), tuple(Paragraph(x) for x in when))
        )
        computed = _computed_lines(t, outcome)
        if computed is not None:
            sections.append(computed)
    elif outcome.decision == "rejected":
        sections.append(Section(title, tuple(_rejected(t, outcome))))
    else:
        sections.append(
            Section(t.text("decision.incomplete.title"), tuple(_incomplete(t, outcome)))
        )
    aids = _aids(t, outcome)
    if aids is not None:
        sections.append(aids)
    return sections


def build_decision_letter(
    result: Mapping[str, Any],
    *,
    recipient: Recipient,
    training: TrainingInfo,
    letter_date: date,
    templates: LetterTemplates,
    contact: ServiceContact,
    reference: str | None = None,
    monthly_amount: Decimal | None = None,
) -> LetterContext:
    """The decision letter of one evaluation result (granted, rejected or incomplete).

    ``monthly_amount`` is the full-month amount to announce; by default the one the engine used
    for the latest month of the result (a result without any month yet then says that the amount
    depends on the hours of presence).
    """
    outcome = read_result(result)
    monthly = _monthly_amount(outcome, monthly_amount)
    sections = _body(templates, outcome, training, monthly)
    return assemble(
        templates,
        kind=LetterKind.DECISION,
        title=templates.text("decision.title"),
        contact=contact,
        recipient=recipient,
        letter_date=letter_date,
        reference=reference,
        subject=templates.text(f"decision.subject.{outcome.decision}"),
        sections=tuple(sections),
        annexes=remedies_section(templates, contact),
    )
