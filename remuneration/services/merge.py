"""Merging two records of one person: everything of the duplicate moves to the record kept.

Dossiers (and with them their documents, decisions and attendance), cases, case requests,
payments, payment lines and debts change hands; the duplicate keeps its id with
``merged_into_id`` set, so that old letters, audit events and links still resolve. The merge is
refused, before anything is written, when both records hold a dossier in the same training or
were paid in the same payment run (one transfer per person and run).
"""

from __future__ import annotations

import uuid
from typing import cast

from sqlalchemy import CursorResult, TableClause, column, func, select, table, update

from remuneration.db.base import Base
from remuneration.db.models import Dossier, Trainee
from remuneration.domain.errors import FieldProblem, IllegalTransition, InvalidFacts
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext

__all__ = ["merge_trainees"]

# Tables of later packages (payments), which this package may not import: named here so that a
# merge never forgets them, whether or not their models are loaded.
_KNOWN = ("payments", "payment_lines", "debts")


def _tables_with_trainee() -> list[TableClause]:
    found: dict[str, TableClause] = {}
    for name, model_table in Base.metadata.tables.items():
        if name != "trainees" and "trainee_id" in model_table.c:
            found[name] = model_table
    for name in _KNOWN:
        found.setdefault(name, table(name, column("trainee_id")))
    return [found[name] for name in sorted(found)]


def _conflicts(ctx: ServiceContext, kept: Trainee, duplicate: Trainee) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    trainings = (
        select(Dossier.training_id)
        .where(Dossier.trainee_id.in_((kept.id, duplicate.id)))
        .group_by(Dossier.training_id)
        .having(func.count() > 1)
    )
    if ctx.session.scalars(trainings).first() is not None:
        problems.append(
            FieldProblem(
                "duplicate_id",
                "same_training",
                "Les deux fiches ont chacune un dossier dans la même formation ; un seul dossier "
                "par formation et par personne peut exister : la fusion est refusée.",
            )
        )
    payments = table("payments", column("run_id"), column("trainee_id"), column("reissue_of"))
    runs = (
        select(payments.c.run_id)
        .where(payments.c.trainee_id.in_((kept.id, duplicate.id)), payments.c.reissue_of.is_(None))
        .group_by(payments.c.run_id)
        .having(func.count() > 1)
    )
    if ctx.session.execute(runs).first() is not None:
        problems.append(
            FieldProblem(
                "duplicate_id",
                "same_payment_run",
                "Les deux fiches ont été payées dans le même paiement : un trop-perçu est "
                "probable, voyez la finance avant de fusionner.",
            )
        )
    return problems


def merge_trainees(
    ctx: ServiceContext, kept: Trainee, duplicate: Trainee, *, reason: str
) -> dict[str, int]:
    """Move everything of ``duplicate`` to ``kept``; returns how many rows moved, per table."""
    if kept.id == duplicate.id:
        raise InvalidFacts(
            "Une fiche ne peut pas être fusionnée avec elle-même.",
            problems=[FieldProblem("duplicate_id", "same_record", "Même fiche.")],
        )
    if kept.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise IllegalTransition("L'une des deux fiches a déjà été fusionnée dans une autre.")
    problems = _conflicts(ctx, kept, duplicate)
    if problems:
        raise IllegalTransition(problems[0].message, problems=problems)
    moved: dict[str, int] = {}
    for target in _tables_with_trainee():
        statement = (
            update(target)
            .where(target.c.trainee_id == duplicate.id)
            .values(trainee_id=kept.id)
            .execution_options(synchronize_session=False)
        )
        count = cast("CursorResult[object]", ctx.session.execute(statement)).rowcount
        if count:
            moved[target.name] = count
    duplicate.merged_into_id = kept.id
    duplicate.merged_at = ctx.now
    duplicate.updated_at = kept.updated_at = ctx.now
    ctx.session.flush()
    ctx.session.expire_all()
    for entity, role in ((kept, "kept"), (duplicate, "merged")):
        record_event(
            ctx,
            action=f"trainee.merge_{role}",
            entity_type="trainee",
            entity_id=entity.id,
            after={
                "kept": str(kept.id),
                "merged": str(duplicate.id),
                "reason": reason,
                "moved": moved,
            },
        )
    return moved


def merged_target(ctx: ServiceContext, trainee_id: uuid.UUID) -> uuid.UUID | None:
    """The record a merged trainee now lives in, if any."""
    return ctx.session.scalar(select(Trainee.merged_into_id).where(Trainee.id == trainee_id))
