"""`remu demo`: a realistic data set in the embedded database, and one token per role.

Several organisations and trainings over 2024–2026, about 300 trainees with dossiers in every
state, attendance statements for the past months, a few salariés en insertion, ARE recipients
(rejected for the remuneration), incomplete dossiers (missing RIB, holder mismatch, expired
identity). Everything goes through the same services as the API, so the data obeys every rule.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.db.models import Dossier, Trainee, Training, TrainingOrganisation, User
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.demo.cases import demo_cases
from remuneration.demo.data import (
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    LAST_NAMES,
    TOWNS,
    make_iban,
    make_nir,
    make_siret,
)
from remuneration.domain.attendance import AttendanceEntry
from remuneration.domain.errors import DuplicatePerson
from remuneration.domain.states import DOSSIER_STATUS_LABELS
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services import attendance, catalogue, decisions, dossiers
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.documents import DocumentRequest, put_document
from remuneration.services.inputs import (
    AttendanceLineInput,
    DossierInput,
    ExitInput,
    IdentityInput,
    OrganisationInput,
    RibInput,
    TraineeInput,
    TrainingInput,
    VitaleInput,
)
from remuneration.services.passwords import set_password
from remuneration.services.protection import FieldProtector
from remuneration.services.users import create_user
from rules.periods import Month

__all__ = [
    "SECOND_FINANCE",
    "demo_loaded",
    "demo_password",
    "demo_sign_ins",
    "load_demo",
]

_ORGANISATIONS = (
    "Centre de formation Démo-Nord",
    "Atelier Exemple Formation",
    "Campus fictif des métiers",
    "Institut de démonstration",
)
_PROGRAMMES = (
    ("QUALIF", "Titre professionnel Agent de restauration", 35, True),
    ("QUALIF", "Titre professionnel Soudeur", 35, True),
    ("SAVOIRS", "Compétences clés et numérique", 20, True),
    ("QUALIF", "CAP Accompagnant éducatif petite enfance", 32, True),
    ("PREPA", "Prépa avenir — découverte des métiers", 30, True),
    ("QUALIF", "Titre professionnel Conducteur de bus", 35, True),
    ("HORS", "Formation non agréée (financement entreprise)", 35, False),
)
_TRAINING_STARTS = (
    date(2024, 1, 8),
    date(2024, 3, 11),
    date(2024, 9, 2),
    date(2024, 11, 4),
    date(2025, 1, 6),
    date(2025, 3, 10),
    date(2025, 9, 1),
    date(2025, 10, 6),
    date(2026, 1, 5),
    date(2026, 3, 2),
    date(2026, 9, 7),
    date(2026, 10, 5),
)


_DISPLAY_NAMES = {
    Role.INSTRUCTOR: "Claire Instructrice (démo)",
    Role.RELATION_USAGERS: "Karim Conseiller (démo)",
    Role.FINANCE: "Sophie Comptable (démo)",
    Role.ORGANISATION: "Centre de formation Démo-Nord (démo)",
    Role.SUPERVISOR: "Marc Responsable (démo)",
    Role.ADMIN: "Admin remu (démo)",
}
SECOND_FINANCE = "demo-finance-2"
"""A second finance agent, so that the demo can release a batch with four eyes."""


def demo_password(name: str) -> str:
    """The console password of a demonstration user: public, for the demo database only."""
    return f"remu-{name}"


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(role, user name, password) of every demonstration user of the console."""
    names = [(role.value, f"demo-{role.value}") for role in Role if role is not Role.ORGANISATION]
    names.append((f"{Role.FINANCE.value} (2e)", SECOND_FINANCE))
    return [(role, name, demo_password(name)) for role, name in names]


@dataclass(frozen=True, slots=True)
class DemoUsers:
    by_role: dict[Role, User]


def _context(
    session: Session, user: User, protector: FieldProtector, now: datetime
) -> ServiceContext:
    actor = Actor(
        user_id=user.id, name=user.name, role=Role(user.role), organisation_id=user.organisation_id
    )
    return ServiceContext(session=session, actor=actor, now=now, protector=protector)


def _organisations(ctx: ServiceContext, rng: random.Random) -> list[TrainingOrganisation]:
    return [
        catalogue.create_organisation(
            ctx,
            OrganisationInput(
                name=name, siret=make_siret(rng), contact_email=f"contact{index}@organisme.example"
            ),
        )
        for index, name in enumerate(_ORGANISATIONS)
    ]


def _trainings(
    ctx: ServiceContext, rng: random.Random, organisations: list[TrainingOrganisation]
) -> list[Training]:
    trainings = []
    for index, start in enumerate(_TRAINING_STARTS):
        programme, title, weekly, approved = _PROGRAMMES[index % len(_PROGRAMMES)]
        weeks = rng.choice((12, 20, 26, 30))
        postcode, town, _ = TOWNS[index % len(TOWNS)]
        trainings.append(
            catalogue.create_training(
                ctx,
                TrainingInput(
                    organisation_id=organisations[index % len(organisations)].id,
                    programme=programme,
                    title=title,
                    start_date=start,
                    end_date=start + timedelta(weeks=weeks, days=-3),
                    total_hours=Decimal(weekly * weeks),
                    weekly_hours=Decimal(weekly),
                    approved_for_remuneration=approved,
                    site_name=f"Centre de {town}",
                    site_postcode=postcode,
                    site_town=town,
                    licence_useful_for_trade=rng.random() < 0.5,
                    approval_reference=f"AGR-{start.year}-{index + 1:04d}" if approved else None,
                ),
            )
        )
    return trainings


def _trainee(ctx: ServiceContext, rng: random.Random) -> tuple[Trainee, str]:
    """A new person: drawn again when the draw names someone already there (the duplicate check
    would refuse a second record of the same name and birth date)."""
    while True:
        sex = rng.choice("MF")
        first = rng.choice(FIRST_NAMES_M if sex == "M" else FIRST_NAMES_F)
        birth = date(rng.randint(1966, 2006), rng.randint(1, 12), rng.randint(1, 28))
        postcode, town, department = rng.choice(TOWNS)
        person = TraineeInput(
            last_name=rng.choice(LAST_NAMES),
            first_names=first,
            birth_date=birth,
            sex=sex,
            street=f"{rng.randint(1, 120)} rue de la République",
            postcode=postcode,
            town=town,
        )
        try:
            return catalogue.create_trainee(ctx, person), department
        except DuplicatePerson:
            continue


def _facts(rng: random.Random, profile: str) -> dict[str, object]:
    facts: dict[str, object] = {
        "trainee_status": "job_seeker",
        "france_travail_registered": True,
        "france_travail_indemnity": "none",
        "distance_km": Decimal(rng.randint(2, 160)),
        "driving_licence_aid_received": False,
    }
    if profile == "are":
        facts["france_travail_indemnity"] = rng.choice(("are", "aref"))
    if profile == "insertion":
        facts.update(
            trainee_status="insertion_employee",
            france_travail_indemnity=None,
            insertion_contract=rng.choice(("PEC", "SIAE")),
            insertion_are_complement=False,
            insertion_hours_outside_work=Decimal(rng.choice((70, 105, 140))),
        )
    return facts


def _documents(
    ctx: ServiceContext,
    *,
    dossier: Dossier,
    trainee: Trainee,
    department: str,
    rng: random.Random,
    profile: str,
    store: DocumentStore,
) -> None:
    expiry = date(2020, 1, 1) if profile == "expired_identity" else date(2033, 6, 30)
    requests = [
        DocumentRequest(
            kind=DocumentKind.IDENTITY,
            verified=True,
            identity=IdentityInput(
                identity_type="cni", expiry_date=expiry, number=f"X{rng.randint(10**7, 10**8 - 1)}"
            ),
        ),
        DocumentRequest(
            kind=DocumentKind.VITALE,
            verified=True,
            vitale=VitaleInput(
                nir=make_nir(
                    rng, sex=trainee.sex, birth_date=trainee.birth_date, department=department
                )
            ),
        ),
    ]
    if profile != "missing_rib":
        civility = "M" if trainee.sex == "M" else "MME"
        holder = f"{civility} {trainee.last_name.upper()} {trainee.first_names.upper()}"
        if profile == "holder_mismatch":
            holder = "M DURAND PAUL"
        requests.append(
            DocumentRequest(
                kind=DocumentKind.RIB,
                verified=True,
                rib=RibInput(iban=make_iban(rng), bic="BNPAFRPP", holder=holder),
            )
        )
    for request in requests:
        put_document(ctx, dossier, request, store=store, max_bytes=5 * 1024 * 1024)


_PROFILES = (
    ("draft", 4),
    ("submitted", 4),
    ("missing_rib", 6),
    ("holder_mismatch", 3),
    ("expired_identity", 3),
    ("complete", 6),
    ("are", 8),
    ("insertion", 6),
    ("granted", 46),
    ("exit_legitimate", 4),
    ("exit_abandonment", 2),
    ("closed", 8),
)


def _profile(rng: random.Random) -> str:
    names, weights = zip(*_PROFILES, strict=True)
    return str(rng.choices(names, weights=weights)[0])


@dataclass
class _Planned:
    dossier: Dossier
    profile: str
    exit_date: date | None


def _month_entry(
    rng: random.Random, training: Training, first: date, last: date, insertion: bool
) -> AttendanceEntry:
    start, end = max(first, training.start_date), min(last, training.end_date)
    days = sum(
        1
        for offset in range((end - start).days + 1)
        if (start + timedelta(days=offset)).weekday() < 5
    )
    scheduled = (training.weekly_hours / 5 * days).quantize(Decimal("0.01"))
    justified = min(scheduled, Decimal(rng.choice((0, 0, 0, 3.5, 7))))
    unjustified = min(scheduled - justified, Decimal(rng.choice((0, 0, 0, 0, 3.5))))
    attended = scheduled - justified - unjustified
    outside = (attended / 2).quantize(Decimal("0.01")) if insertion else None
    return AttendanceEntry(
        scheduled_hours=scheduled,
        attended_hours=attended,
        justified_absence_hours=justified,
        unjustified_absence_hours=unjustified,
        daily_allowances=Decimal("0.00"),
        hours_outside_work=outside,
    )


def _months(training: Training, until: date) -> list[Month]:
    """The training's months already over on ``until``."""
    return [
        month
        for month in Month.spanning(training.start_date, training.end_date)
        if month.last_day < until
    ]


def _attendance(
    ctx: ServiceContext, rng: random.Random, training: Training, planned: list[_Planned]
) -> int:
    count = 0
    for month in _months(training, ctx.today):
        first, last = month.first_day, month.last_day
        lines = [
            AttendanceLineInput(
                dossier_id=item.dossier.id,
                entry=_month_entry(
                    rng,
                    training,
                    first,
                    min(last, item.exit_date or last),
                    item.dossier.trainee_status == "insertion_employee",
                ),
            )
            for item in planned
            if item.dossier.status != "draft"
            and (item.exit_date is None or item.exit_date >= first)
        ]
        if lines:
            attendance.put_statement(ctx, training.id, month, lines, expected_version=None)
            count += 1
    return count


def _finish(ctx: ServiceContext, item: _Planned) -> None:
    dossier, profile = item.dossier, item.profile
    if profile in ("draft", "submitted"):
        return
    if profile in ("missing_rib", "holder_mismatch", "expired_identity", "complete"):
        dossiers.refresh_assessment(ctx, dossier)
        return
    if item.exit_date is not None:
        decisions.take_decision(ctx, dossier, as_of=item.exit_date - timedelta(days=20))
        reason = "legitimate" if profile == "exit_legitimate" else "abandonment"
        dossiers.record_exit(ctx, dossier, ExitInput(exit_date=item.exit_date, reason=reason))
    decisions.take_decision(ctx, dossier, as_of=ctx.today)
    if profile == "closed" and dossier.status in ("granted", "rejected"):
        dossiers.close_dossier(ctx, dossier)


def _users(session: Session, organisation: TrainingOrganisation, now: datetime) -> DemoUsers:
    by_role = {
        role: create_user(
            session,
            name=f"demo-{role.value}",
            role=role,
            now=now,
            display_name=_DISPLAY_NAMES[role],
            organisation_id=organisation.id if role is Role.ORGANISATION else None,
        )
        for role in Role
    }
    for role, user in by_role.items():
        if role is not Role.ORGANISATION:
            set_password(session, user=user, password=demo_password(user.name), now=now)
    releaser = create_user(
        session,
        name=SECOND_FINANCE,
        role=Role.FINANCE,
        now=now,
        display_name="Paul Payeur (démo)",
    )  # four eyes: the agent who releases a batch is not the one who prepared it
    set_password(session, user=releaser, password=demo_password(SECOND_FINANCE), now=now)
    return DemoUsers(by_role)


def _exit_date(rng: random.Random, training: Training, today: date, profile: str) -> date | None:
    if not profile.startswith("exit_"):
        return None
    candidate = training.start_date + timedelta(days=rng.randint(35, 70))
    return candidate if candidate <= min(training.end_date, today) else None


def _populate(
    ctx: ServiceContext,
    rng: random.Random,
    trainees: int,
    store: DocumentStore,
    trainings: list[Training],
) -> dict[str, int]:
    planned: dict[object, list[_Planned]] = {training.id: [] for training in trainings}
    started = [t for t in trainings if t.start_date <= ctx.today] or trainings
    for _ in range(trainees):
        profile = _profile(rng)
        training = rng.choice(started if profile != "draft" else trainings)
        trainee, department = _trainee(ctx, rng)
        dossier = dossiers.create_dossier(
            ctx,
            DossierInput(
                trainee_id=trainee.id, training_id=training.id, facts=_facts(rng, profile)
            ),
        )
        if profile != "draft":
            _documents(
                ctx,
                dossier=dossier,
                trainee=trainee,
                department=department,
                rng=rng,
                profile=profile,
                store=store,
            )
            dossiers.submit_dossier(ctx, dossier)
        exit_date = _exit_date(rng, training, ctx.today, profile)
        planned[training.id].append(_Planned(dossier, profile, exit_date))
    statements = sum(_attendance(ctx, rng, t, planned[t.id]) for t in trainings)
    for items in planned.values():
        for item in items:
            _finish(ctx, item)
    return {"statements": statements}


def load_demo(
    database_url: str,
    protector: FieldProtector,
    store: DocumentStore,
    *,
    trainees: int,
    seed: int,
    now: datetime,
) -> str:
    """Load the data set (once) and return a French summary of what is in the database."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demonstration data, not secrets
    with (
        engine_scope(database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        if session.scalar(select(User.id).where(User.name == "demo-admin")):
            return "Les données de démonstration sont déjà chargées."
        bootstrap = create_user(
            session,
            name="demo-loader",
            role=Role.SUPERVISOR,
            now=now,
            display_name="Chargement de la démonstration",
        )
        ctx = _context(session, bootstrap, protector, now)
        organisations = _organisations(ctx, rng)
        trainings = _trainings(ctx, rng, organisations)
        _users(session, organisations[0], now)
        counts = _populate(ctx, rng, trainees, store, trainings)
        counts["cases"] = demo_cases(session, now=now)
        states = _state_counts(session)
    shown = ", ".join(
        f"{DOSSIER_STATUS_LABELS.get(state, state).lower()} : {count}"
        for state, count in sorted(states.items())
    )
    return (
        f"Démonstration chargée : {len(organisations)} organismes, {len(trainings)} "
        f"formations, {trainees} stagiaires, {counts['statements']} états de présence, "
        f"{counts['cases']} dossiers de relation usager. "
        f"Dossiers par état — {shown}."
    )


def _state_counts(session: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in session.scalars(select(Dossier.status)):
        counts[status] = counts.get(status, 0) + 1
    return counts


def demo_loaded(database_url: str) -> bool:
    """Whether the demonstration users exist already."""
    with (
        engine_scope(database_url) as engine,
        make_session_factory(engine, read_only=True)() as session,
    ):
        return session.scalar(select(User.id).where(User.name == "demo-admin")) is not None
