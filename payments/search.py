"""One search box for agents: a person, a dossier, a case or a payment from what they have.

Terms arrive in a request body (never in a URL). What is recognised:

- a dossier number as printed in letters (eight characters, ``249A5D81``, any case);
- a case reference (``C-2026-000123``, spaces or lower case tolerated);
- a payment's EndToEndId as sent to the bank;
- a NIR or an IBAN typed in full: looked up by keyed hash, answered masked;
- names, ignoring accents, hyphens, apostrophes, case and word order (every word typed must
  appear in the last name or first names): the normalised ``Trainee.search_name`` column, with a
  trigram index on PostgreSQL.

It lives in the payments package because it reads payments as well as dossiers and cases (the
packages below may not import this one).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, select

from payments.models import Payment
from payments.vocabulary import PAYMENT_STATUS_LABELS
from remuneration.cases.domain.errors import InvalidCaseReferenceError
from remuneration.cases.domain.references import parse_case_reference
from remuneration.cases.domain.vocabulary import STATUS_LABELS, CaseStatus
from remuneration.cases.models import Case
from remuneration.db.models import Document, Dossier, Trainee, Training
from remuneration.domain.masking import mask_iban, mask_nir
from remuneration.domain.people import name_words
from remuneration.domain.states import DossierStatus, status_label
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services.context import ServiceContext
from remuneration.services.evaluation_input import IBAN_CONTEXT, NIR_CONTEXT
from rules.french import fr_money

__all__ = ["SearchHit", "masked_terms", "search"]

_DOSSIER_REFERENCE = re.compile(r"^[0-9A-F]{8}$")
_NIR = re.compile(r"^[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{8}$")
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_E2E = re.compile(r"^[A-Za-z0-9/\-?:().,'+]{1,35}$")
KINDS = frozenset({"trainee", "dossier", "case", "payment"})


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One typed result with a short summary that holds no full NIR or IBAN."""

    kind: str
    id: uuid.UUID
    label: str
    summary: str
    matched: str


def _fr_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _in_sentence(words: str) -> str:
    """A status's words after a comma: ``…, accordé`` (the vocabulary capitalises them)."""
    return words[:1].lower() + words[1:]


def _trainee_hit(trainee: Trainee, matched: str, extra: str = "") -> SearchHit:
    summary = f"né(e) en {trainee.birth_date.year}"
    if trainee.town:
        summary += f", {trainee.town}"
    return SearchHit(
        "trainee",
        trainee.id,
        f"{trainee.last_name.upper()} {trainee.first_names}",
        summary + extra,
        matched,
    )


def _dossier_hits(
    ctx: ServiceContext, query: Select[tuple[Dossier]], matched: str
) -> list[SearchHit]:
    hits = []
    for dossier in ctx.session.scalars(query):
        trainee = ctx.session.get_one(Trainee, dossier.trainee_id)
        training = ctx.session.get_one(Training, dossier.training_id)
        hits.append(
            SearchHit(
                "dossier",
                dossier.id,
                f"Dossier {dossier.reference} — {trainee.last_name.upper()} {trainee.first_names}",
                f"{training.title} (du {_fr_day(training.start_date)} au "
                f"{_fr_day(training.end_date)}), "
                f"{_in_sentence(status_label(DossierStatus(dossier.status)))}",
                matched,
            )
        )
    return hits


def _by_reference(ctx: ServiceContext, compact: str, limit: int) -> list[SearchHit]:
    if not _DOSSIER_REFERENCE.match(compact):
        return []
    query = select(Dossier).where(Dossier.reference == compact).order_by(Dossier.id).limit(limit)
    return _dossier_hits(ctx, query, "dossier_reference")


def _by_case(ctx: ServiceContext, text: str) -> list[SearchHit]:
    try:
        reference = str(parse_case_reference(text))
    except InvalidCaseReferenceError:
        return []
    case = ctx.session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        return []
    status = STATUS_LABELS[CaseStatus(case.status)]
    return [
        SearchHit("case", case.id, case.reference, f"{case.subject} ({status})", "case_reference")
    ]


def _payment_hit(payment: Payment, matched: str) -> SearchHit:
    day = payment.released_at.date() if payment.released_at else payment.created_at.date()
    return SearchHit(
        "payment",
        payment.id,
        f"Virement {payment.end_to_end_id}",
        f"{fr_money(payment.amount)} du {_fr_day(day)} vers {payment.iban_masked}, "
        f"{_in_sentence(PAYMENT_STATUS_LABELS.get(payment.status, payment.status))}",
        matched,
    )


def _by_end_to_end(ctx: ServiceContext, text: str) -> list[SearchHit]:
    if not _E2E.match(text):
        return []
    payment = ctx.session.scalar(select(Payment).where(Payment.end_to_end_id == text))
    return [] if payment is None else [_payment_hit(payment, "end_to_end_id")]


def _by_hash(
    ctx: ServiceContext, compact: str, kinds: frozenset[str], limit: int
) -> list[SearchHit]:
    if _NIR.match(compact):
        key, column, kind = "nir", Document.nir_hash, DocumentKind.VITALE
        digest = ctx.protector.keyed_hash(compact, context=NIR_CONTEXT)
        shown = mask_nir(compact)
    elif _IBAN.match(compact):
        key, column, kind = "iban", Document.iban_hash, DocumentKind.RIB
        digest = ctx.protector.keyed_hash(compact, context=IBAN_CONTEXT)
        shown = mask_iban(compact)
    else:
        return []
    owners = select(Document.dossier_id).where(Document.kind == kind.value, column == digest)
    dossiers = select(Dossier).where(Dossier.id.in_(owners)).order_by(Dossier.created_at)
    hits: list[SearchHit] = []
    if "trainee" in kinds:
        trainees = ctx.session.scalars(
            select(Trainee)
            .where(Trainee.id.in_(select(Dossier.trainee_id).where(Dossier.id.in_(owners))))
            .order_by(Trainee.last_name, Trainee.id)
            .limit(limit)
        )
        hits += [_trainee_hit(t, key, f", {key.upper()} {shown}") for t in trainees]
    if "dossier" in kinds:
        hits += _dossier_hits(ctx, dossiers.limit(limit), key)
    if key == "iban" and "payment" in kinds:
        payments = ctx.session.scalars(
            select(Payment)
            .where(Payment.iban_hash == digest)
            .order_by(Payment.created_at.desc())
            .limit(limit)
        )
        hits += [_payment_hit(payment, key) for payment in payments]
    return hits


def _by_name(ctx: ServiceContext, text: str, limit: int) -> list[SearchHit]:
    words = name_words(text)
    if not words:
        return []
    if ctx.session.get_bind().dialect.name == "sqlite":
        # instr() on the lower-case column (no LIKE pattern, no case folding), read from the
        # index on search_name alone (rowid included), in its order; then the rows found.
        rowid: ColumnElement[int] = literal_column("trainees.rowid")
        found = select(rowid).where(*(func.instr(Trainee.search_name, w) > 0 for w in words))
        ids = list(ctx.session.scalars(found.order_by(Trainee.search_name).limit(limit)))
        condition: ColumnElement[bool] = rowid.in_(ids)
    else:
        # LIKE '%word%' is served by the trigram index on PostgreSQL.
        condition = and_(*(Trainee.search_name.contains(w, autoescape=True) for w in words))
    query = select(Trainee).where(condition).order_by(Trainee.search_name, Trainee.id).limit(limit)
    return [_trainee_hit(trainee, "name") for trainee in ctx.session.scalars(query)]


def masked_terms(text: str) -> str | None:
    """A NIR or an IBAN typed in full, masked (to show back what was looked for); else None."""
    compact = re.sub(r"[\s.]", "", text.strip()).upper()
    if _NIR.match(compact):
        return f"NIR {mask_nir(compact)}"
    if _IBAN.match(compact):
        return f"IBAN {mask_iban(compact)}"
    return None


def search(
    ctx: ServiceContext, text: str, *, kinds: frozenset[str] = KINDS, limit: int = 20
) -> list[SearchHit]:
    """Everything ``text`` designates, of the kinds the caller may see, at most ``limit``."""
    text = text.strip()
    compact = re.sub(r"[\s.]", "", text).upper()
    hits: list[SearchHit] = []
    if "dossier" in kinds:
        hits += _by_reference(ctx, compact, limit)
    if "case" in kinds:
        hits += _by_case(ctx, text)
    if "payment" in kinds:
        hits += _by_end_to_end(ctx, text)
    hits += _by_hash(ctx, compact, kinds, limit)
    if not hits and "trainee" in kinds:
        hits += _by_name(ctx, text, limit)
    return hits[:limit]
