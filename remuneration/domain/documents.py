"""Checks on uploaded documents: the type is read from the content, never from the file name."""

from __future__ import annotations

from remuneration.domain.errors import DocumentRejected, DocumentTooLarge

__all__ = ["ACCEPTED_TYPES", "check_upload", "detect_content_type"]

ACCEPTED_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def detect_content_type(data: bytes) -> str | None:
    """The media type given by the file's magic bytes, or None for anything else."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    return None


def check_upload(data: bytes, *, max_bytes: int) -> str:
    """Refuse empty, oversized or unaccepted files; return the detected media type."""
    if not data:
        raise DocumentRejected("Le fichier est vide.", field="file")
    if len(data) > max_bytes:
        raise DocumentTooLarge(
            f"Le fichier dépasse la taille maximale autorisée ({max_bytes // 1024} Kio).",
            field="file",
        )
    media_type = detect_content_type(data)
    if media_type is None:
        raise DocumentRejected(
            "Seuls les fichiers PDF, JPEG et PNG sont acceptés (type lu dans le contenu).",
            field="file",
        )
    return media_type
