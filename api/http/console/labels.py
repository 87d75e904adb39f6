"""French words for the stored codes the pages show (states, documents, payments)."""

from __future__ import annotations

__all__ = [
    "DOCUMENT_LABELS",
    "DOSSIER_STATES",
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
WORDS = {
    "dossier": DOSSIER_STATES,
    "document": DOCUMENT_LABELS,
    "verification": VERIFICATION,
    "payment": PAYMENT_STATES,
}
"""The Jinja global `WORDS`: `WORDS.payment.get(code, (code, "neutre"))`."""
