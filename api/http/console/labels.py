"""French words for the stored codes the pages show (states, documents, payments)."""

from __future__ import annotations

from payments.vocabulary import (
    OVERPAYMENT_STATUS_LABELS,
    RETURN_KIND_LABELS,
    RETURN_SCOPE_LABELS,
    OverpaymentStatus,
)

__all__ = [
    "AUDIT_ACTIONS",
    "CASE_EVENTS",
    "DOCUMENT_LABELS",
    "DOSSIER_STATES",
    "FACT_VALUES",
    "IDENTITY_TYPES",
    "OVERPAYMENT_STATES",
    "PAYMENT_STATES",
    "VERIFICATION",
    "WORDS",
]

DOSSIER_STATES = {
    "draft": ("Brouillon", "neutre"),
    "submitted": ("Déposé, à instruire", "attention"),
    "incomplete": ("Incomplet", "attention"),
    "complete": ("Complet, à décider", "attention"),
    "granted": ("Accordé", "ok"),
    "rejected": ("Refusé", "erreur"),
    "exited": ("Sortie de formation", "neutre"),
    "closed": ("Clos", "neutre"),
}
IDENTITY_TYPES = {
    "cni": "Carte nationale d'identité",
    "passport": "Passeport",
    "residence_permit": "Titre de séjour",
    "other": "Autre pièce",
}
DOCUMENT_LABELS = {"identity": "Pièce d'identité", "vitale": "Attestation Vitale", "rib": "RIB"}
VERIFICATION = {
    "received": ("Reçue, à vérifier", "attention"),
    "verified": ("Vérifiée", "ok"),
    "refused": ("Refusée", "erreur"),
}
PAYMENT_STATES = {
    "prepared": ("Préparé", "neutre"),
    "released": ("Envoyé à la banque", "ok"),
    "rejected": ("Rejeté par la banque", "erreur"),
    "returned": ("Retourné par la banque", "erreur"),
    "cancelled": ("Annulé", "neutre"),
    "to_pay": ("À repayer (fichier refusé par la banque)", "attention"),
}
_OVERPAYMENT_TONES = {
    OverpaymentStatus.OPEN.value: "attention",
    OverpaymentStatus.RECOVERY_ORDER.value: "attention",
    OverpaymentStatus.SETTLED.value: "ok",
    OverpaymentStatus.WAIVED.value: "neutre",
}
OVERPAYMENT_STATES = {
    status: (OVERPAYMENT_STATUS_LABELS[status], tone) for status, tone in _OVERPAYMENT_TONES.items()
}
FACT_VALUES = {
    "trainee_status": {
        "job_seeker": "demandeur d'emploi",
        "insertion_employee": "salarié en contrat d'insertion",
        "other": "autre situation",
    },
    "france_travail_indemnity": {
        "none": "aucune",
        "are": "ARE (allocation d'aide au retour à l'emploi)",
        "aref": "AREF (ARE formation)",
        "rff": "RFF (rémunération de fin de formation)",
    },
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
    "case_event": CASE_EVENTS,
    "audit": AUDIT_ACTIONS,
}
"""The Jinja global `WORDS`: `WORDS.payment.get(code, (code, "neutre"))`."""
