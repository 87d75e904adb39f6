"""Dossiers ready to pay, built through the real services (as the API and the demo do).

Each dossier gets its own training, so that its attendance statements are its own; the clock
is a ``MutableClock`` the tests move forward month after month.
"""

from __future__ import annotations

import itertools
import random
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from payments import PayerAccount
from payments.sepa import Pain001Version
from remuneration.db.models import Dossier, User
from remuneration.db.session import make_session_factory
from remuneration.demo.data import make_iban
from remuneration.domain.attendance import AttendanceEntry
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services import attendance, decisions, dossiers
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.documents import DocumentRequest, put_document
from remuneration.services.inputs import (
    AidRequestInput,
    AttendanceLineInput,
    ExitInput,
    RibInput,
)
from remuneration.services.protection import FieldProtector
from remuneration.services.users import create_user
from rules.periods import Month
from tests.builders import JOB_SEEKER, build_trainee, build_training, trainee_with_dossier
from tests.dbsupport import MutableClock

PAYER = PayerAccount(
    name="Region Exemple - Remuneration des stagiaires",
    iban="FR7630004000031234567890143",
    bic="BNPAFRPPXXX",
    category_purpose="GOVT",
)
PAYER_03 = PayerAccount(
    name=PAYER.name,
    iban=PAYER.iban,
    bic=PAYER.bic,
    category_purpose="GOVT",
    pain_version=Pain001Version.V03,
)
FULL_MONTH = AttendanceEntry(
    scheduled_hours=Decimal("140"),
    attended_hours=Decimal("140"),
    justified_absence_hours=Decimal("0"),
    unjustified_absence_hours=Decimal("0"),
    daily_allowances=Decimal("0"),
    hours_outside_work=None,
)

_BIRTHS = itertools.count()
"""Each dossier built here is another person (the duplicate check refuses a second record)."""


def entry(attended: str = "140", unjustified: str = "0", scheduled: str = "140") -> AttendanceEntry:
    return AttendanceEntry(
        scheduled_hours=Decimal(scheduled),
        attended_hours=Decimal(attended),
        justified_absence_hours=Decimal(scheduled) - Decimal(attended) - Decimal(unjustified),
        unjustified_absence_hours=Decimal(unjustified),
        daily_allowances=Decimal("0"),
        hours_outside_work=None,
    )


@dataclass
class World:
    """A migrated database, one user per role (two in finance), a clock and the keys."""

    engine: Engine
    protector: FieldProtector
    clock: MutableClock
    store: DocumentStore
    users: dict[str, User] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(11))

    def context(self, session: Session, who: str = "finance") -> ServiceContext:
        user = self.users[who]
        actor = Actor(user_id=user.id, name=user.name, role=Role(user.role))
        return ServiceContext(
            session=session, actor=actor, now=self.clock.now, protector=self.protector
        )

    @contextmanager
    def unit(self, who: str = "finance") -> Iterator[ServiceContext]:
        """One committed unit of work (what an HTTP request or a command does)."""
        with make_session_factory(self.engine).begin() as session:
            yield self.context(session, who)

    def session(self) -> Session:
        return make_session_factory(self.engine)()


def make_world(engine: Engine, directory: Any, now: datetime) -> World:
    world = World(
        engine=engine,
        protector=FieldProtector(secrets.token_bytes(32)),
        clock=MutableClock(now),
        store=DocumentStore(directory / "documents", FieldProtector(secrets.token_bytes(32))),
    )
    with make_session_factory(engine).begin() as session:
        for who, role in (
            ("finance", Role.FINANCE),
            ("finance-2", Role.FINANCE),
            ("supervisor", Role.SUPERVISOR),
            ("instructor", Role.INSTRUCTOR),
            ("relation_usagers", Role.RELATION_USAGERS),
        ):
            user = create_user(
                session, name=f"pay-{who}-{uuid.uuid4().hex[:6]}", role=role, now=now
            )
            session.expunge(user)
            world.users[who] = user
    return world


def granted_dossier(
    world: World,
    *,
    start: date = date(2024, 3, 11),
    end: date = date(2024, 9, 27),
    months: dict[str, AttendanceEntry] | None = None,
    distance: str = "42.5",
    last_name: str = "Lefèvre",
    town: str | None = "Hérouville-Saint-Clair",
    aids: list[AidRequestInput] | None = None,
) -> dict[str, Any]:
    """A job seeker's dossier, granted, with its attendance statements; returns its ids."""
    with world.unit("supervisor") as ctx:
        trainee = build_trainee(
            ctx,
            last_name=last_name,
            first_names="Zoé Anaïs",
            birth_date=date(1990, 5, 17) + timedelta(days=next(_BIRTHS)),
            sex="F",
            street="12 rue de la République",
            postcode="14200",
            town=town,
        )
        built = trainee_with_dossier(
            ctx,
            world.rng,
            store=world.store,
            training=build_training(
                ctx, world.rng, start=start, end=end, licence_useful_for_trade=True
            ),
            trainee=trainee,
            facts={
                **JOB_SEEKER,
                "distance_km": Decimal(distance),
                "driving_licence_aid_received": False,
            },
            bic="AGRIFRPP",
        )
        for aid in aids or []:
            dossiers.add_aid_request(ctx, built.dossier, aid)
        for month, value in (months or {}).items():
            attendance.put_statement(
                ctx,
                built.training.id,
                Month.parse(month),
                [AttendanceLineInput(built.dossier.id, value)],
                expected_version=None,
            )
        outcome = decisions.take_decision(ctx, built.dossier, as_of=start)
        assert outcome.decision.outcome == "granted", outcome.decision.result_json
        return {
            "dossier_id": built.dossier.id,
            "trainee_id": trainee.id,
            "training_id": built.training.id,
            "iban": built.iban,
        }


def add_statement(world: World, info: dict[str, Any], month: str, value: AttendanceEntry) -> None:
    with world.unit("supervisor") as ctx:
        attendance.put_statement(
            ctx,
            info["training_id"],
            Month.parse(month),
            [AttendanceLineInput(info["dossier_id"], value)],
            expected_version=None,
        )


def record_exit(world: World, info: dict[str, Any], day: date, reason: str) -> None:
    with world.unit("supervisor") as ctx:
        dossier = ctx.session.get_one(Dossier, info["dossier_id"])
        dossiers.record_exit(ctx, dossier, ExitInput(exit_date=day, reason=reason))
        decisions.take_decision(ctx, dossier, as_of=day)


def change_rib(world: World, info: dict[str, Any], *, verified: bool = True) -> str:
    """A new RIB (reason given), verified by a supervisor; returns the new IBAN."""
    iban = make_iban(world.rng)
    with world.unit("supervisor") as ctx:
        dossier = ctx.session.get_one(Dossier, info["dossier_id"])
        put_document(
            ctx,
            dossier,
            DocumentRequest(
                kind=DocumentKind.RIB,
                verified=verified,
                rib=RibInput(
                    iban=iban, bic="CCBPFRPP", holder="MME LEFEVRE ZOE", change_reason="compte clos"
                ),
            ),
            store=world.store,
            max_bytes=1_000_000,
        )
    return iban


def user_id(world: World, who: str) -> uuid.UUID:
    return world.users[who].id


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def all_rows(world: World, model: Any) -> list[Any]:
    with world.session() as session:
        return list(session.scalars(select(model)))
