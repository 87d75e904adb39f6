"""Recording the three documents of a dossier: uploaded file and/or verified data.

A PUT replaces the whole document: its data fields and its file. The document as it stood is
kept in ``document_versions`` (its file stays in the store), so nothing an agent saw is lost:
a new IBAN without a BIC has no BIC, a passport replacing an identity card has no card image.

An agent either records data for later verification (`verified=False`, e.g. a new RIB taken by
the relation-usagers team) or verifies it (instructors and supervisors only). Only verified
documents reach the engine. Changing the IBAN of a verified RIB needs a reason and is audited.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select

from remuneration.db.models import Document, DocumentVersion, Dossier
from remuneration.domain.documents import check_upload
from remuneration.domain.errors import (
    FieldProblem,
    IllegalTransition,
    InvalidFacts,
    NotAllowed,
    NotFound,
)
from remuneration.domain.ids import new_id
from remuneration.domain.masking import mask_document_number, mask_iban, mask_nir
from remuneration.domain.states import EDITABLE_STATES, DossierStatus
from remuneration.domain.vocabulary import DocumentKind, VerificationStatus
from remuneration.services.audit import record_event
from remuneration.services.context import Role, ServiceContext
from remuneration.services.document_store import (
    DocumentStore,
    delete_files_after_commit,
    delete_files_after_rollback,
)
from remuneration.services.dossiers import mark_facts_changed
from remuneration.services.evaluation_input import IBAN_CONTEXT, NIR_CONTEXT
from remuneration.services.inputs import IdentityInput, RibInput, UploadedFile, VitaleInput

__all__ = [
    "DocumentRequest",
    "document_history",
    "earlier_versions",
    "get_document",
    "get_documents",
    "put_document",
    "read_document_file",
    "revealed_iban",
    "revealed_nir",
]

_VERIFIERS = frozenset({Role.INSTRUCTOR, Role.SUPERVISOR})


@dataclass(frozen=True, slots=True)
class DocumentRequest:
    """What a caller sends for one document."""

    kind: DocumentKind
    verified: bool
    identity: IdentityInput | None = None
    vitale: VitaleInput | None = None
    rib: RibInput | None = None
    refusal_reason: str | None = None
    upload: UploadedFile | None = None


# Built once: a statement built per call costs as much again as its execution (expression
# construction and cache key), on every dossier read.
_DOCUMENTS_OF = select(Document).where(Document.dossier_id == bindparam("dossier_id"))
_KIND_ORDER = {kind.value: index for index, kind in enumerate(DocumentKind)}


def get_documents(ctx: ServiceContext, dossier: Dossier) -> list[Document]:
    """The documents of a dossier, in kind order."""
    rows = ctx.session.scalars(_DOCUMENTS_OF, {"dossier_id": dossier.id})
    return sorted(rows, key=lambda document: _KIND_ORDER[document.kind])


def revealed_nir(ctx: ServiceContext, document: Document) -> str | None:
    """The NIR in clear, for the engine or an authorised, audited reveal."""
    if document.nir_encrypted is None:
        return None
    return ctx.protector.decrypt(document.nir_encrypted, context=NIR_CONTEXT)


def revealed_iban(ctx: ServiceContext, document: Document) -> str | None:
    """The IBAN in clear (finance, payment files)."""
    if document.iban_encrypted is None:
        return None
    return ctx.protector.decrypt(document.iban_encrypted, context=IBAN_CONTEXT)


def _summary(ctx: ServiceContext, document: Document) -> dict[str, Any]:
    nir = revealed_nir(ctx, document)
    iban = revealed_iban(ctx, document)
    return {
        "status": document.verification_status,
        "file_sha256": document.content_sha256,
        "identity_type": document.identity_type,
        "identity_number": document.identity_number_masked,
        "expiry_date": document.identity_expiry_date.isoformat()
        if document.identity_expiry_date
        else None,
        "nir": mask_nir(nir) if nir else None,
        "iban": mask_iban(iban) if iban else None,
        "holder": document.holder,
    }


def _apply_identity(document: Document, data: IdentityInput) -> None:
    if data.identity_type is not None:
        document.identity_type = data.identity_type
    if data.expiry_date is not None:
        document.identity_expiry_date = data.expiry_date
    if data.number is not None:
        document.identity_number_masked = mask_document_number(data.number)


def _apply_vitale(ctx: ServiceContext, document: Document, data: VitaleInput) -> None:
    if data.nir is None:
        return
    nir = re.sub(r"\s", "", data.nir).upper()
    document.nir_encrypted = ctx.protector.encrypt(nir, context=NIR_CONTEXT)
    document.nir_hash = ctx.protector.keyed_hash(nir, context=NIR_CONTEXT)


def _apply_rib(
    ctx: ServiceContext, document: Document, data: RibInput, previous_hash: str | None
) -> None:
    if data.iban is not None:
        iban = re.sub(r"\s", "", data.iban).upper()
        _apply_iban(ctx, document, iban, data.change_reason, previous_hash)
    if data.bic is not None:
        document.bic = data.bic.upper()
    if data.holder is not None:
        document.holder = data.holder


def _apply_iban(
    ctx: ServiceContext,
    document: Document,
    iban: str,
    reason: str | None,
    previous_hash: str | None,
) -> None:
    new_hash = ctx.protector.keyed_hash(iban, context=IBAN_CONTEXT)
    if previous_hash is not None and new_hash != previous_hash:
        if not reason:
            raise InvalidFacts(
                "Un changement d'IBAN doit être motivé.",
                problems=[
                    FieldProblem(
                        "rib.change_reason", "required", "Le motif du changement d'IBAN manque."
                    )
                ],
            )
        document.iban_changed_at = ctx.now
        document.change_reason = reason
    document.iban_encrypted = ctx.protector.encrypt(iban, context=IBAN_CONTEXT)
    document.iban_hash = new_hash


def _apply_upload(
    ctx: ServiceContext,
    document: Document,
    upload: UploadedFile,
    *,
    store: DocumentStore,
    max_bytes: int,
) -> None:
    document.content_type = check_upload(upload.content, max_bytes=max_bytes)
    replaced = document.stored_name
    document.stored_name = store.save(upload.content)
    delete_files_after_rollback(ctx.session, [document.stored_name], store.delete)
    if replaced is not None:
        delete_files_after_commit(ctx.session, [replaced], store.delete)
    document.size_bytes = len(upload.content)
    document.content_sha256 = hashlib.sha256(upload.content).hexdigest()
    document.uploaded_at = ctx.now


def _apply_verification(ctx: ServiceContext, document: Document, request: DocumentRequest) -> None:
    if request.refusal_reason:
        document.verification_status = VerificationStatus.REFUSED.value
    elif request.verified:
        document.verification_status = VerificationStatus.VERIFIED.value
    else:
        document.verification_status = VerificationStatus.RECEIVED.value
    document.refusal_reason = request.refusal_reason
    if request.verified or request.refusal_reason:
        document.verified_by = ctx.actor.user_id
        document.verified_on = ctx.today
    else:
        document.verified_by = document.verified_on = None


_REPLACED = (
    "stored_name",
    "content_type",
    "size_bytes",
    "content_sha256",
    "uploaded_at",
    "identity_type",
    "identity_expiry_date",
    "identity_number_masked",
    "nir_encrypted",
    "nir_hash",
    "iban_encrypted",
    "iban_hash",
    "bic",
    "holder",
    "refusal_reason",
    "recorded_by",
    "verified_by",
    "verified_on",
)


def _keep_previous(ctx: ServiceContext, document: Document) -> None:
    """Copy the document as it stands into its history, then empty what a PUT replaces."""
    number = ctx.session.scalar(
        select(func.count()).where(DocumentVersion.document_id == document.id)
    )
    ctx.session.add(
        DocumentVersion(
            id=new_id(),
            document_id=document.id,
            dossier_id=document.dossier_id,
            number=(number or 0) + 1,
            kind=document.kind,
            verification_status=document.verification_status,
            valid_from=document.updated_at,
            replaced_at=ctx.now,
            replaced_by=ctx.actor.user_id,
            **{name: getattr(document, name) for name in _REPLACED},
        )
    )
    for name in _REPLACED:
        setattr(document, name, None)


_HISTORY_OF = (
    select(DocumentVersion)
    .where(DocumentVersion.document_id == bindparam("document_id"))
    .order_by(DocumentVersion.number)
)  # built once: read for each document of every dossier view


_VERSIONS_OF_DOSSIER = (
    select(DocumentVersion.document_id, func.count())
    .where(DocumentVersion.dossier_id == bindparam("dossier_id"))
    .group_by(DocumentVersion.document_id)
)


def earlier_versions(ctx: ServiceContext, dossier: Dossier) -> dict[uuid.UUID, int]:
    """How many earlier versions each document of a dossier has (one query for all)."""
    rows = ctx.session.execute(_VERSIONS_OF_DOSSIER, {"dossier_id": dossier.id}).tuples()
    return {document_id: count for document_id, count in rows}


def document_history(ctx: ServiceContext, document: Document) -> list[DocumentVersion]:
    """The earlier versions of a document, oldest first."""
    return list(ctx.session.scalars(_HISTORY_OF, {"document_id": document.id}))


def _load_or_create(
    ctx: ServiceContext, dossier: Dossier, kind: DocumentKind
) -> tuple[Document, bool]:
    document = ctx.session.scalar(
        select(Document).where(Document.dossier_id == dossier.id, Document.kind == kind.value)
    )
    if document is not None:
        return document, False
    document = Document(
        id=new_id(),
        dossier_id=dossier.id,
        kind=kind.value,
        verification_status=VerificationStatus.RECEIVED.value,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(document)
    return document, True


def _audit(
    ctx: ServiceContext, dossier: Dossier, document: Document, before: dict[str, Any] | None
) -> None:
    after = _summary(ctx, document)
    record_event(
        ctx,
        action=f"document.{document.verification_status}",
        entity_type="document",
        entity_id=document.id,
        dossier_id=dossier.id,
        before=before,
        after=after,
    )
    if before is not None and document.iban_changed_at == ctx.now:
        record_event(
            ctx,
            action="document.iban_changed",
            entity_type="document",
            entity_id=document.id,
            dossier_id=dossier.id,
            before={"iban": before["iban"]},
            after={"iban": after["iban"], "reason": document.change_reason},
        )


def put_document(
    ctx: ServiceContext,
    dossier: Dossier,
    request: DocumentRequest,
    *,
    store: DocumentStore,
    max_bytes: int,
    money_owed: bool = False,
) -> Document:
    """Record, verify or refuse one document of a dossier (the whole document is replaced).

    A closed dossier is frozen, except its RIB while money is owed on it (``money_owed``, told
    by the caller from the payments): a RIB is replaced there with the same verification and
    the same IBAN-change flag as on an open dossier, without reopening the decision.
    """
    if (request.verified or request.refusal_reason) and ctx.actor.role not in _VERIFIERS:
        raise NotAllowed("Seuls les instructeurs peuvent vérifier ou refuser une pièce.")
    closed = DossierStatus(dossier.status) not in EDITABLE_STATES
    if closed and not (request.kind is DocumentKind.RIB and money_owed):
        raise IllegalTransition(
            "Un dossier clos ne peut plus être modifié (seul son RIB peut encore être remplacé "
            "tant qu'un paiement, une réémission ou un trop-perçu est en cours)."
        )
    document, created = _load_or_create(ctx, dossier, request.kind)
    before = None if created else _summary(ctx, document)
    previous_iban_hash = document.iban_hash
    if not created:
        _keep_previous(ctx, document)
    if request.kind is DocumentKind.IDENTITY and request.identity is not None:
        _apply_identity(document, request.identity)
    if request.kind is DocumentKind.VITALE and request.vitale is not None:
        _apply_vitale(ctx, document, request.vitale)
    if request.kind is DocumentKind.RIB and request.rib is not None:
        _apply_rib(ctx, document, request.rib, previous_iban_hash)
    if request.upload is not None:
        _apply_upload(ctx, document, request.upload, store=store, max_bytes=max_bytes)
    _apply_verification(ctx, document, request)
    document.recorded_by = ctx.actor.user_id
    document.updated_at = ctx.now
    ctx.session.flush()
    if not closed:
        mark_facts_changed(ctx, dossier)
        ctx.session.flush()
    _audit(ctx, dossier, document, before)
    return document


def get_document(ctx: ServiceContext, dossier: Dossier, kind: DocumentKind) -> Document:
    """One document of a dossier."""
    document = ctx.session.scalar(
        select(Document).where(Document.dossier_id == dossier.id, Document.kind == kind.value)
    )
    if document is None:
        raise NotFound("Aucune pièce de ce type dans le dossier.")
    return document


def read_document_file(
    ctx: ServiceContext, dossier: Dossier, kind: DocumentKind, *, store: DocumentStore
) -> tuple[Document, bytes]:
    """The decrypted file of a document, for viewing; every view is audited."""
    if kind is not DocumentKind.RIB and ctx.actor.role is Role.FINANCE:
        raise NotAllowed("La finance ne consulte que le RIB.")
    document = get_document(ctx, dossier, kind)
    if document.stored_name is None:
        raise NotFound("Aucun fichier n'est joint à cette pièce.")
    content = store.read(document.stored_name)
    record_event(
        ctx,
        action="document.file_viewed",
        entity_type="document",
        entity_id=document.id,
        dossier_id=dossier.id,
        after={"kind": kind.value, "file_sha256": document.content_sha256},
    )
    return document, content
