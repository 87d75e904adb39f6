"""The protected store of uploaded documents: encrypted files under random names.

The original file name is never kept (it often holds the trainee's name); the content is
encrypted with the data key and bound to its stored name, so a file cannot be swapped for another.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from remuneration.services.protection import FieldProtector

__all__ = ["DocumentStore"]


class DocumentStore:
    """Encrypted files in one directory."""

    def __init__(self, directory: Path, protector: FieldProtector) -> None:
        self._directory = directory
        self._protector = protector

    def save(self, content: bytes) -> str:
        """Encrypt and write `content`; return its random stored name."""
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = secrets.token_hex(16)
        sealed = self._protector.encrypt_bytes(content, context=f"document-file:{name}")
        path = self._directory / name
        path.write_bytes(sealed)
        path.chmod(0o600)
        return name

    def read(self, name: str) -> bytes:
        """Decrypt a stored file."""
        sealed = (self._directory / name).read_bytes()
        return self._protector.decrypt_bytes(sealed, context=f"document-file:{name}")

    def delete(self, name: str) -> None:
        """Remove a stored file (retention, replacement)."""
        (self._directory / name).unlink(missing_ok=True)
