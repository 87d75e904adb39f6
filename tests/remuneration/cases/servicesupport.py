"""Building blocks of the case-service tests: agents, a trainee with a dossier, contexts."""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from remuneration.cases.services import CaseContext
from remuneration.db.models import User
from remuneration.db.session import make_session_factory
from remuneration.services import dossiers
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.protection import FieldProtector
from remuneration.services.users import create_user
from tests.builders import build_trainee, build_training, draft_dossier

_BIRTHS = itertools.count()
"""Each person built here is another person (the duplicate check refuses a second record)."""

__all__ = ["PARIS", "actor_of", "agent", "cctx", "paris", "session_of", "trainee_with_dossier"]

PARIS = ZoneInfo("Europe/Paris")
_NAMES = itertools.count(1)


def paris(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Paris wall-clock instant (tests read like the calendar)."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def session_of(engine: Engine) -> Session:
    return make_session_factory(engine)()


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, name=user.name, role=Role(user.role))


def cctx(session: Session, now: datetime, user: User | None = None) -> CaseContext:
    return CaseContext(session=session, now=now, actor=None if user is None else actor_of(user))


def agent(session: Session, now: datetime, role: Role = Role.RELATION_USAGERS) -> User:
    number = next(_NAMES)
    return create_user(
        session,
        name=f"agent-{uuid.uuid4().hex[:8]}",
        role=role,
        now=now,
        display_name=f"Agent {number}",
    )


def trainee_with_dossier(
    session: Session,
    now: datetime,
    protector: FieldProtector,
    *,
    start: date = date(2024, 3, 11),
    end: date = date(2024, 9, 27),
    submit: bool = False,
) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """(trainee id, dossier id, training id): a dossier still without documents."""
    instructor = agent(session, now, Role.INSTRUCTOR)
    ctx = ServiceContext(
        session=session, actor=actor_of(instructor), now=now.astimezone(UTC), protector=protector
    )
    rng = random.Random(uuid.uuid4().int)
    dossier, trainee, training = draft_dossier(
        ctx,
        rng,
        training=build_training(ctx, rng, start=start, end=end),
        trainee=build_trainee(
            ctx,
            last_name="Dupont",
            first_names="Marie Claire",
            birth_date=date(1990, 5, 17) + timedelta(days=next(_BIRTHS)),
            sex="F",
        ),
        facts={"trainee_status": "job_seeker", "france_travail_registered": True},
    )
    if submit:
        dossiers.submit_dossier(ctx, dossier)
        dossiers.refresh_assessment(ctx, dossier)
    return trainee.id, dossier.id, training.id
