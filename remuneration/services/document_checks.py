"""The checks of a stored document, answered as soon as it is stored, before any decision.

The engine's own document rules run on the dossier as stored, with this document taken as it
is (verified or not): NIR key, NIR against birth date and sex, IBAN key and SEPA scope, RIB
holder against the last name, identity expiry against the training start. Their French messages
are the ones a decision would give. A NIR or an IBAN also found on another person's record is
reported too: it may be a duplicate record, or a typing error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, select

from remuneration.db.models import Document, Dossier
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services.context import ServiceContext
from remuneration.services.evaluation_input import build_request, document_part, documents_part
from rules import EvaluationResult, InputError, evaluate

__all__ = ["DocumentCheck", "check_documents"]

_LABELS = {
    DocumentKind.IDENTITY: "Pièce d'identité : type et date de validité lus.",
    DocumentKind.VITALE: "NIR : format, clé, année et mois de naissance et sexe concordants.",
    DocumentKind.RIB: "IBAN : clé et zone SEPA valides ; le titulaire porte le nom du stagiaire.",
}


@dataclass(frozen=True, slots=True)
class DocumentCheck:
    """One result: ``ok``, ``problem`` (with the rule's code) or ``missing`` (what to add)."""

    status: str
    code: str | None
    message: str


def _others_query(kind: DocumentKind) -> Select[tuple[Any]]:
    column = Document.nir_hash if kind is DocumentKind.VITALE else Document.iban_hash
    return (
        select(Dossier.trainee_id)
        .join(Document, Document.dossier_id == Dossier.id)
        .where(
            Document.kind == kind.value,
            column == bindparam("value"),
            Dossier.trainee_id != bindparam("trainee_id"),
        )
        .distinct()
    )


# Built once: run for each NIR and IBAN of every dossier view.
_OTHERS = {kind: _others_query(kind) for kind in (DocumentKind.VITALE, DocumentKind.RIB)}


def _other_people(ctx: ServiceContext, dossier: Dossier, document: Document) -> int:
    kind = DocumentKind(document.kind)
    value = document.nir_hash if kind is DocumentKind.VITALE else document.iban_hash
    if value is None:
        return 0
    others = ctx.session.scalars(_OTHERS[kind], {"value": value, "trainee_id": dossier.trainee_id})
    return len(list(others))


def _checks_of(
    ctx: ServiceContext, dossier: Dossier, document: Document, result: EvaluationResult | None
) -> list[DocumentCheck]:
    kind = DocumentKind(document.kind)
    if result is None:
        return [DocumentCheck("missing", None, "Le dossier est incomplet : contrôle impossible.")]
    scope = f"documents.{kind.value}"
    checks = [
        DocumentCheck("problem", reason.code, reason.message)
        for reason in result.reasons
        if reason.scope == scope
    ]
    checks += [
        DocumentCheck("missing", None, f"Information manquante pour le contrôle : {path}.")
        for path in result.missing
        if path.startswith(scope)
    ]
    if kind is not DocumentKind.IDENTITY and _other_people(ctx, dossier, document):
        what = "Ce NIR" if kind is DocumentKind.VITALE else "Cet IBAN"
        checks.append(
            DocumentCheck(
                "problem",
                "POSSIBLE_DUPLICATE",
                f"{what} figure aussi dans le dossier d'une autre fiche stagiaire : doublon "
                "possible (voir les doublons possibles du stagiaire) ou erreur de saisie.",
            )
        )
    if not checks:
        checks.append(DocumentCheck("ok", None, _LABELS[kind]))
    return checks


def check_documents(
    ctx: ServiceContext, dossier: Dossier, documents: Sequence[Document]
) -> dict[str, list[DocumentCheck]]:
    """What the rules say of each stored document now (one evaluation for all), by kind."""
    if not documents:
        return {}
    parts = documents_part(())  # every stored document, verified or not, read once
    for document in documents:
        parts[document.kind] = document_part(ctx, document, verified_only=False)
    payload = build_request(ctx, dossier, as_of=ctx.today, documents=parts)
    result: EvaluationResult | None
    try:
        result = evaluate(payload, today=ctx.today, parameters=ctx.parameters)
    except InputError:
        result = None
    return {d.kind: _checks_of(ctx, dossier, d, result) for d in documents}
