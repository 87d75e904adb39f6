"""Request and response models of the HTTP API (pydantic at the edge)."""

from api.schemas.attendance import AttendanceEntryIn, AttendancePut, AttendanceView
from api.schemas.catalogue import (
    OrganisationCreate,
    OrganisationView,
    TraineeCreate,
    TraineeView,
    TrainingCreate,
    TrainingView,
)
from api.schemas.dossiers import DecisionView, DossierCreate, DossierPatch, DossierView

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
