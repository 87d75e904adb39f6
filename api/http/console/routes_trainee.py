"""The données tab's form: correcting the trainee through the API's trainee service.

The form carries the trainee's version, as `If-Match` does for `PATCH /v1/trainees/{id}`; a
stale form is refused (409) with a French message and a link to reload the record. Only the
fields the agent changed are sent, checked by the API's own model (`TraineePatch`), so the
relation-usagers team can correct an address without touching the identity.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.http.console.desk import Desk, desk
from api.http.console.forms import Problem, problems_of
from api.http.console.routes_dossiers import dossier_at_version, dossier_page_response
from api.http.errors import validation_message
from api.http.schemas.people import TraineePatch
from remuneration.db.models import Dossier, Trainee
from remuneration.domain.errors import DomainError
from remuneration.services import trainees

__all__ = ["TRAINEE_FIELDS", "router"]

router = APIRouter(prefix="/dossiers", include_in_schema=False)

TRAINEE_FIELDS = (
    "last_name",
    "first_names",
    "birth_date",
    "sex",
    "email",
    "phone",
    "street",
    "postcode",
    "town",
)
_STALE = (
    "Ce stagiaire a été modifié par quelqu'un d'autre depuis votre lecture : rien n'a été "
    "enregistré. Rechargez sa fiche, vérifiez, puis recommencez."
)


def _current(trainee: Trainee, name: str) -> str:
    value = getattr(trainee, name)
    return "" if value is None else str(value)


def _changes(trainee: Trainee, typed: dict[str, str]) -> dict[str, str]:
    """The fields whose typed text differs from the record (empty optional fields are kept)."""
    return {
        name: text.strip()
        for name, text in typed.items()
        if text.strip() != _current(trainee, name) and text.strip()
    }


def _validated(changes: dict[str, str]) -> dict[str, Any]:
    try:
        patch = TraineePatch.model_validate(changes)
    except ValidationError as error:
        problems: list[Problem] = [
            {"field": str(item["loc"][0]), "message": validation_message(item)}
            for item in error.errors()
        ]
        raise _Refused(problems) from error
    return patch.model_dump(exclude_none=True)


def _trainee_of(agent: Desk, dossier: Dossier) -> Trainee:
    return agent.ctx.session.get_one(Trainee, dossier.trainee_id)


class _Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0]["message"])
        self.problems = problems


@router.post("/{dossier_id}/stagiaire")
def update_trainee(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("trainees.update"))],
    version: Annotated[str, Form(max_length=12)] = "",
    last_name: Annotated[str, Form(max_length=200)] = "",
    first_names: Annotated[str, Form(max_length=200)] = "",
    birth_date: Annotated[str, Form(max_length=20)] = "",
    sex: Annotated[str, Form(max_length=2)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    phone: Annotated[str, Form(max_length=30)] = "",
    street: Annotated[str, Form(max_length=200)] = "",
    postcode: Annotated[str, Form(max_length=10)] = "",
    town: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    typed = dict(
        zip(
            TRAINEE_FIELDS,
            (last_name, first_names, birth_date, sex, email, phone, street, postcode, town),
            strict=True,
        )
    )
    dossier = dossier_at_version(
        request,
        agent,
        dossier_id,
        "donnees",
        typed=version,
        version_of=lambda found: _trainee_of(agent, found).version,
        stale=_STALE,
        form=typed,
    )
    if not isinstance(dossier, Dossier):
        return dossier
    trainee = _trainee_of(agent, dossier)
    status_before = dossier.status
    try:
        outcome = trainees.update_trainee(agent.ctx, trainee, _validated(_changes(trainee, typed)))
        agent.ctx.session.flush()
        agent.ctx.session.refresh(dossier)
    except (_Refused, DomainError) as error:
        agent.ctx.session.rollback()
        problems = (
            error.problems if isinstance(error, _Refused) else problems_of(error, "last_name")
        )
        return dossier_page_response(
            request, agent, dossier_id, "donnees", errors=problems, form=typed, status=422
        )
    done = "stagiaire-redecide" if outcome.redecided else "stagiaire"
    if not outcome.redecided and dossier.status != status_before:
        done = "stagiaire-etat"  # e.g. a name no longer matches the RIB's holder
    if not outcome.changed:
        done = "stagiaire-inchange"
    return RedirectResponse(f"/dossiers/{dossier_id}?onglet=donnees&fait={done}", status_code=303)
