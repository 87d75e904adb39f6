"""Use cases on dossiers, trainings, attendance, documents and decisions.

Each takes a `ServiceContext` (session, actor, time, data protector), flushes and never commits:
the caller owns the transaction.
"""

from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.protection import FieldProtector

__all__ = ["Actor", "FieldProtector", "Role", "ServiceContext"]
