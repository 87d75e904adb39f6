"""French words for the stored codes the pages show (states, documents, payments)."""

from __future__ import annotations

__all__ = [
    "CASE_EVENTS",
    "DOCUMENT_LABELS",
    "DOSSIER_STATES",
    "FACT_VALUES",
    "IDENTITY_TYPES",
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
WORDS = {
    "dossier": DOSSIER_STATES,
    "document": DOCUMENT_LABELS,
    "verification": VERIFICATION,
    "payment": PAYMENT_STATES,
    "case_event": CASE_EVENTS,
}
"""The Jinja global `WORDS`: `WORDS.payment.get(code, (code, "neutre"))`."""
