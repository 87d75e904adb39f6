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

from sqlalchemy import and_, bindparam, or_, select

from remuneration.db.models import Document, Dossier
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services.context import ServiceContext
from remuneration.services.evaluation_input import (
    StoredRows,
    build_request,
    document_part,
    documents_part,
)
from remuneration.services.person_history import history_of
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


# Built once: run on every dossier view. A kind is named when its NIR (vitale) or IBAN (RIB)
# hash is also held by a document of another person's dossier.
_SHARED_ELSEWHERE = (
    select(Document.kind)
    .join(Dossier, Dossier.id == Document.dossier_id)
    .where(
        Dossier.trainee_id != bindparam("trainee_id"),
        or_(
            and_(
                Document.kind == DocumentKind.VITALE.value,
                Document.nir_hash == bindparam("nir_hash"),
            ),
            and_(
                Document.kind == DocumentKind.RIB.value,
                Document.iban_hash == bindparam("iban_hash"),
            ),
        ),
    )
    .distinct()
)


def _shared_elsewhere(
    ctx: ServiceContext, dossier: Dossier, documents: Sequence[Document]
) -> set[str]:
    """The kinds (vitale, rib) whose NIR or IBAN another person's dossier also holds."""
    hashes = {
        "nir_hash": next((d.nir_hash for d in documents if d.kind == DocumentKind.VITALE), None),
        "iban_hash": next((d.iban_hash for d in documents if d.kind == DocumentKind.RIB), None),
    }
    if hashes["nir_hash"] is None and hashes["iban_hash"] is None:
        return set()
    found = ctx.session.scalars(_SHARED_ELSEWHERE, {"trainee_id": dossier.trainee_id, **hashes})
    return set(found)


def _checks_of(
    document: Document, result: EvaluationResult | None, shared: set[str]
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
    if kind is not DocumentKind.IDENTITY and kind.value in shared:
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
    ctx: ServiceContext,
    dossier: Dossier,
    documents: Sequence[Document],
    stored: StoredRows | None = None,
) -> dict[str, list[DocumentCheck]]:
    """What the rules say of each stored document now (one evaluation for all), by kind.

    ``stored``: the dossier's exit and aid requests, when the caller has read them along with
    *every* document of the dossier in ``documents`` (the dossier view): the person's history
    then takes the NIR hash from them instead of reading it again."""
    if not documents:
        return {}
    parts = documents_part(())  # every stored document, verified or not, read once
    for document in documents:
        parts[document.kind] = document_part(ctx, document, verified_only=False)
    person = None
    if stored is not None:  # `documents` is then every document of the dossier
        person = history_of(
            ctx.session,
            dossier_id=dossier.id,
            trainee_id=dossier.trainee_id,
            training_id=dossier.training_id,
            nir_hash=next((d.nir_hash for d in documents if d.kind == DocumentKind.VITALE), None),
        )
    payload = build_request(
        ctx, dossier, as_of=ctx.today, documents=parts, stored=stored, person=person
    )
    result: EvaluationResult | None
    try:
        result = evaluate(payload, today=ctx.today, parameters=ctx.parameters)
    except InputError:
        result = None
    shared = _shared_elsewhere(ctx, dossier, documents)
    return {d.kind: _checks_of(d, result, shared) for d in documents}
