"""Request and response models of the HTTP API (pydantic at the edge)."""

from api.http.schemas.attendance import AttendanceEntryIn, AttendancePut, AttendanceView
from api.http.schemas.catalogue import (
    OrganisationCreate,
    OrganisationView,
    TraineeCreate,
    TraineeView,
    TrainingCreate,
    TrainingView,
)
from api.http.schemas.dossiers import DecisionView, DossierCreate, DossierPatch, DossierView

__all__ = [
    "AttendanceEntryIn",
    "AttendancePut",
    "AttendanceView",
    "DecisionView",
    "DossierCreate",
    "DossierPatch",
    "DossierView",
    "OrganisationCreate",
    "OrganisationView",
    "TraineeCreate",
    "TraineeView",
    "TrainingCreate",
    "TrainingView",
]
