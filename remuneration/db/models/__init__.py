"""ORM tables of the remuneration package (dossiers, trainings, attendance, users, audit,
the case-request outbox)."""

from remuneration.db.models.access import ApiToken, IdempotencyRecord, User
from remuneration.db.models.attendance import AttendanceStatement, AttendanceStatementLine
from remuneration.db.models.audit import AuditEvent
from remuneration.db.models.case_requests import CaseRequest
from remuneration.db.models.catalogue import Trainee, Training, TrainingOrganisation
from remuneration.db.models.dossiers import AidRequest, Decision, Document, Dossier, Exit

__all__ = [
    "AidRequest",
    "ApiToken",
    "AttendanceStatement",
    "AttendanceStatementLine",
    "AuditEvent",
    "CaseRequest",
    "Decision",
    "Document",
    "Dossier",
    "Exit",
    "IdempotencyRecord",
    "Trainee",
    "Training",
    "TrainingOrganisation",
    "User",
]
