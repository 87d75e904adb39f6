"""The stored codes the pages show, with their French words and the tone of their badge.

The words are not written here: each comes from the vocabulary of the layer that owns the code
(``payments.vocabulary``, ``remuneration.domain``), the same words the command line, the
finance exports and the letters use; this module only adds the badge's tone. The case history's
events and the audit journal's actions are console-only words (the history tab), written here.
"""

from __future__ import annotations

from collections.abc import Mapping

from payments.vocabulary import (
    BANK_RETURN_STATUS_LABELS,
    OVERPAYMENT_STATUS_LABELS,
    PAYMENT_STATUS_LABELS,
    RETURN_KIND_LABELS,
    RETURN_SCOPE_LABELS,
    SKIP_REASON_LABELS,
    BankReturnStatus,
    OverpaymentStatus,
    PaymentStatus,
)
from remuneration.domain.states import DOSSIER_STATUS_LABELS, DossierStatus
from remuneration.domain.vocabulary import (
    DOCUMENT_KIND_LABELS,
    INDEMNITY_LABELS,
    TRAINEE_STATUS_LABELS,
    VERIFICATION_STATUS_LABELS,
    VerificationStatus,
)

__all__ = [
    "AUDIT_ACTIONS",
    "BANK_RETURN_STATES",
    "CASE_EVENTS",
    "DOCUMENT_LABELS",
    "DOSSIER_STATES",
    "FACT_VALUES",
    "IDENTITY_TYPES",
    "OVERPAYMENT_STATES",
    "PAYMENT_STATES",
    "VERIFICATION",
    "WORDS",
    "with_tones",
]


def with_tones(labels: Mapping[str, str], tones: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Code → (words, tone of the badge); every labelled code must have its tone."""
    if set(tones) != set(labels):
        raise ValueError(f"codes without a tone or words: {sorted(set(tones) ^ set(labels))}")
    return {code: (words, tones[code]) for code, words in labels.items()}


DOSSIER_STATES = with_tones(
    DOSSIER_STATUS_LABELS,
    {
        DossierStatus.DRAFT.value: "neutre",
        DossierStatus.SUBMITTED.value: "attention",
        DossierStatus.INCOMPLETE.value: "attention",
        DossierStatus.COMPLETE.value: "attention",
        DossierStatus.GRANTED.value: "ok",
        DossierStatus.REJECTED.value: "erreur",
        DossierStatus.EXITED.value: "neutre",
        DossierStatus.CLOSED.value: "neutre",
    },
)
IDENTITY_TYPES = {
    "cni": "Carte nationale d'identité",
    "passport": "Passeport",
    "residence_permit": "Titre de séjour",
    "other": "Autre pièce",
}
"""The identity document's type, a console-only code (the instructor's choice on the form)."""
DOCUMENT_LABELS = DOCUMENT_KIND_LABELS
VERIFICATION = with_tones(
    VERIFICATION_STATUS_LABELS,
    {
        VerificationStatus.RECEIVED.value: "attention",
        VerificationStatus.VERIFIED.value: "ok",
        VerificationStatus.REFUSED.value: "erreur",
    },
)
PAYMENT_STATES = with_tones(
    PAYMENT_STATUS_LABELS,
    {
        PaymentStatus.PREPARED.value: "neutre",
        PaymentStatus.RELEASED.value: "ok",
        PaymentStatus.REJECTED.value: "erreur",
        PaymentStatus.RETURNED.value: "erreur",
        PaymentStatus.CANCELLED.value: "neutre",
        PaymentStatus.TO_PAY.value: "attention",
    },
)
OVERPAYMENT_STATES = with_tones(
    OVERPAYMENT_STATUS_LABELS,
    {
        OverpaymentStatus.OPEN.value: "attention",
        OverpaymentStatus.RECOVERY_ORDER.value: "attention",
        OverpaymentStatus.SETTLED.value: "ok",
        OverpaymentStatus.WAIVED.value: "neutre",
    },
)
BANK_RETURN_STATES = with_tones(
    BANK_RETURN_STATUS_LABELS,
    {
        BankReturnStatus.MATCHED.value: "ok",
        BankReturnStatus.ALREADY_PROCESSED.value: "neutre",
        BankReturnStatus.AMOUNT_MISMATCH.value: "erreur",
        BankReturnStatus.UNMATCHED.value: "erreur",
    },
)
FACT_VALUES = {
    "trainee_status": TRAINEE_STATUS_LABELS,
    "france_travail_indemnity": INDEMNITY_LABELS,
}
"""The declared situation's codes (``rules.facts.Status``, ``Indemnity``) in French."""
CASE_EVENTS = {
    "created": "Demande ouverte",
    "status_changed": "Statut changé",
    "message_added": "Message enregistré",
    "note_added": "Note interne ajoutée",
    "assigned": "Demande attribuée",
    "priority_changed": "Priorité changée",
    "merged": "Fusionnée dans une autre demande",
    "merged_in": "Une autre demande y a été fusionnée",
    "occurrence": "Le même problème s'est reproduit",
    "sla_alert": "Alerte de délai de service",
    "macro_applied": "Macro appliquée",
}
"""A case's history (``remuneration.cases.services.history.EventAction``) in French."""
AUDIT_ACTIONS = {
    "attendance.corrected": "État de présence corrigé",
    "attendance.reminder_recorded": "Relance de l'organisme pour l'état de présence",
    "attendance.submitted": "État de présence déposé",
    "bank_file.imported": "Fichier de la banque importé",
    "case.merged": "Demande fusionnée dans une autre",
    "case_agent.absence_added": "Absence d'un agent enregistrée",
    "case_agent.updated": "Agent de la file modifié",
    "case_team.created": "Équipe de la file créée",
    "console.sign_in_refused": "Connexion à la console refusée",
    "console.signed_in": "Connexion à la console",
    "console.signed_out": "Déconnexion de la console",
    "data_key.rotated": "Clé de chiffrement renouvelée",
    "decision.taken": "Décision prise",
    "document.file_deleted": "Fichier d'une pièce supprimé",
    "document.file_viewed": "Fichier d'une pièce consulté",
    "document.iban_changed": "Coordonnées bancaires changées",
    "document.received": "Pièce reçue, à vérifier",
    "document.refused": "Pièce refusée",
    "document.verified": "Pièce vérifiée",
    "dossier.aid_requested": "Aide demandée",
    "dossier.anonymised": "Dossier anonymisé",
    "dossier.closed": "Dossier clos",
    "dossier.created": "Dossier créé",
    "dossier.exited": "Sortie de formation enregistrée",
    "dossier.facts_changed": "Données du dossier modifiées",
    "dossier.submitted": "Dossier déposé",
    "export.downloaded": "Export téléchargé",
    "gdpr.export": "Données personnelles exportées (droit d'accès)",
    "letter.downloaded": "Courrier téléchargé",
    "letters.produced": "Courriers produits",
    "nir.revealed": "NIR affiché en clair",
    "organisation.created": "Organisme de formation créé",
    "overpayment.recovery_order": "Titre de recette émis pour un indu",
    "overpayment.waived": "Remise gracieuse d'un indu",
    "payment.rejected": "Paiement rejeté par la banque",
    "payment.returned": "Paiement retourné par la banque",
    "payment_batch.approved": "Lot de virements approuvé",
    "payment_batch.cancelled": "Lot de virements annulé",
    "payment_batch.corrected": "Lot de virements corrigé",
    "payment_batch.downloaded": "Fichier de virements téléchargé",
    "payment_batch.prepared": "Lot de virements préparé",
    "payment_batch.rejected_by_bank": "Lot de virements refusé par la banque",
    "payment_batch.released": "Lot de virements envoyé à la banque",
    "payment_run.completed": "Paie calculée",
    "retention.orphan_files_deleted": "Fichiers orphelins supprimés (conservation)",
    "trainee.anonymised": "Stagiaire anonymisé",
    "trainee.created": "Stagiaire créé",
    "trainee.duplicate_forced": "Stagiaire créé malgré un doublon possible",
    "trainee.merge_kept": "Fiche du stagiaire conservée lors d'une fusion",
    "trainee.merge_merged": "Fiche du stagiaire fusionnée dans une autre",
    "trainee.updated": "Identité du stagiaire modifiée",
    "training.created": "Formation créée",
    "api_key.created": "Clé d'API créée",
    "api_key.revoked": "Clé d'API révoquée",
    "api_keys.listed": "Clés d'API listées",
    "token.issued": "Jeton d'accès délivré",
    "user.created": "Compte créé",
    "user.deactivated": "Compte désactivé",
    "users.listed": "Comptes listés",
}
"""What the audit journal records (``AuditEvent.action``), in French for the history tab."""
WORDS = {
    "dossier": DOSSIER_STATES,
    "document": DOCUMENT_LABELS,
    "verification": VERIFICATION,
    "payment": PAYMENT_STATES,
    "overpayment": OVERPAYMENT_STATES,
    "return_kind": RETURN_KIND_LABELS,
    "return_scope": RETURN_SCOPE_LABELS,
    "bank_return": BANK_RETURN_STATES,
    "skip_reason": SKIP_REASON_LABELS,
    "case_event": CASE_EVENTS,
    "audit": AUDIT_ACTIONS,
}
"""The Jinja global `WORDS`: `WORDS.payment.get(code, (code, "neutre"))`."""
