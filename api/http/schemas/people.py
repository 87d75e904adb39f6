"""Trainee edits, duplicates, merges and the search box at the API edge."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from api.http.schemas.catalogue import Email, Postcode, TraineeView
from api.http.schemas.common import BoundedDate, RequestModel, ResponseModel, Text, printable, text

__all__ = [
    "DuplicateCandidateView",
    "MergeCreate",
    "MergeView",
    "RedecisionView",
    "SearchHitView",
    "SearchQuery",
    "SearchResult",
    "TraineePatch",
    "TraineeUpdateView",
]

Reason = Annotated[str, text(300, min_length=3), AfterValidator(printable)]
Name = Annotated[str, text(100), AfterValidator(printable)]


class TraineePatch(RequestModel):
    """Changed fields only. Identity (names, birth date, sex): instructors; address and contact
    details: instructors and the relation-usagers team. Identity fields cannot be emptied."""

    last_name: Name | None = None
    first_names: Text | None = None
    birth_date: BoundedDate | None = None
    sex: Annotated[str, Field(pattern=r"^[MF]$")] | None = None
    email: Email | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 .]{6,20}$")] | None = None
    street: Text | None = None
    postcode: Postcode | None = None
    town: Annotated[str, text(100), AfterValidator(printable)] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None


class RedecisionView(ResponseModel):
    dossier_id: uuid.UUID
    before: str
    after: str
    decision_number: int


class TraineeUpdateView(TraineeView):
    """The trainee after the edit, and what the edit set in motion."""

    changed: list[str]
    reassessed_dossiers: list[uuid.UUID]
    new_decisions: list[RedecisionView]


class DuplicateCandidateView(ResponseModel):
    trainee: TraineeView
    reasons: list[str] = Field(description="Codes : nir, iban, name_birth.")
    explanation: str


class MergeCreate(RequestModel):
    """Merge ``duplicate_id`` into the trainee of the URL (the record kept)."""

    duplicate_id: uuid.UUID
    reason: Reason


class MergeView(ResponseModel):
    kept: TraineeView
    merged_id: uuid.UUID
    moved: dict[str, int]


SearchKind = Literal["trainee", "dossier", "case", "payment"]


class SearchQuery(RequestModel):
    """What the agent typed: a dossier or case number, an EndToEndId, a NIR, an IBAN, names."""

    q: Annotated[str, text(140), AfterValidator(printable)]
    kinds: list[SearchKind] | None = Field(default=None, description="Types voulus (tous sinon).")
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class SearchHitView(ResponseModel):
    kind: SearchKind
    id: uuid.UUID
    label: str
    summary: str
    matched: str
    href: str


class SearchResult(ResponseModel):
    items: list[SearchHitView]
