"""ORM tables of the remuneration package (dossiers, trainings, attendance, users, audit,
the case-request outbox)."""

# The case queue keeps its tables in its own package; importing it here registers them on the
# metadata that Alembic and the schema tests compare.
import remuneration.cases.models  # noqa: F401
from remuneration.db.models.access import ApiToken, IdempotencyRecord, User
from remuneration.db.models.attendance import AttendanceStatement, AttendanceStatementLine
from remuneration.db.models.audit import AuditEvent
from remuneration.db.models.case_requests import CaseRequest
from remuneration.db.models.catalogue import Trainee, Training, TrainingOrganisation
from remuneration.db.models.console import ConsoleSession, UserPassword
from remuneration.db.models.dossiers import (
    AidRequest,
    Decision,
    Document,
    DocumentVersion,
    Dossier,
    Exit,
)
from remuneration.db.models.jobs import AttendanceReminder, JobLease, JobRun
from remuneration.db.models.views import DossierViewEpoch, StoredDossierView

__all__ = [
    "AidRequest",
    "ApiToken",
    "AttendanceReminder",
    "AttendanceStatement",
    "AttendanceStatementLine",
    "AuditEvent",
    "CaseRequest",
    "ConsoleSession",
    "Decision",
    "Document",
    "DocumentVersion",
    "Dossier",
    "DossierViewEpoch",
    "Exit",
    "IdempotencyRecord",
    "JobLease",
    "JobRun",
    "StoredDossierView",
    "Trainee",
    "Training",
    "TrainingOrganisation",
    "User",
    "UserPassword",
]
