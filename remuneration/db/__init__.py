"""Persistence of the remuneration package: base, tables, engines and sessions, migrations.

No engine exists at import time: the composition root calls `make_engine` with its settings.
"""

from remuneration.db.base import Base
from remuneration.db.migrate import drop_everything, upgrade
from remuneration.db.session import make_engine, make_session_factory

__all__ = ["Base", "drop_everything", "make_engine", "make_session_factory", "upgrade"]

# Installs the session events that stamp stored dossier views stale on every write feeding them.
import remuneration.db.view_stamps  # noqa: F401
