"""The "case needed" outbox shared by payments, jobs and the case queue.

Revision ID: 3f1c2a9b7d10
Revises: 6eb872ee87df
Create Date: 2026-11-28 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f1c2a9b7d10"
down_revision: str | None = "6eb872ee87df"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cause_key", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("trainee_id", sa.Uuid(), nullable=True),
        sa.Column("dossier_id", sa.Uuid(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("payment_batch_id", sa.Uuid(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_case_requests_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_case_requests_trainee_id_trainees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_requests")),
    )
    with op.batch_alter_table("case_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_requests_cause_key"), ["cause_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_requests_consumed_at"), ["consumed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_requests_consumed_at"))
        batch_op.drop_index(batch_op.f("ix_case_requests_cause_key"))
    op.drop_table("case_requests")
