"""Random secrets for the embedded quick start, written once to `var/remu.env` (mode 600).

Only `remu demo` and `remu serve --demo` call this: a production deployment sets its own
secrets in the environment, and without them the service refuses to start.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

__all__ = ["ensure_local_secrets"]


def ensure_local_secrets(path: Path) -> bool:
    """Create `path` with fresh secrets unless it exists or the environment already has them."""
    if path.exists() or ("REMU_JWT_SECRET" in os.environ and "REMU_DATA_KEY" in os.environ):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    jwt_secret = secrets.token_urlsafe(48)
    data_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(
            "# Secrets générés pour la démonstration locale (ne pas utiliser en production)\n"
        )
        handle.write(f"REMU_JWT_SECRET={jwt_secret}\nREMU_DATA_KEY={data_key}\n")
    return True
