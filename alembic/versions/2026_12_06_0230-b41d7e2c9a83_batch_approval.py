"""Four eyes for batches prepared by the system account: who approved a batch, and when; the
approver cannot be the releaser (CHECK constraint). A batch's status gets room for
``rejected_by_bank`` (a file-level or technical reject by the bank).

Revision ID: b41d7e2c9a83
Revises: b7c41e9d03a2
Create Date: 2026-12-06 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b41d7e2c9a83"
down_revision: str | None = "b7c41e9d03a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=12), type_=sa.String(length=20)
        )
        batch_op.add_column(sa.Column("approved_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_payment_batches_approved_by_users"), "users", ["approved_by"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_payment_batches_four_eyes_approval"),
            "released_by IS NULL OR approved_by IS NULL OR released_by <> approved_by",
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_payment_batches_four_eyes_approval"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_payment_batches_approved_by_users"), type_="foreignkey"
        )
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by")
        batch_op.alter_column(
            "status", existing_type=sa.String(length=20), type_=sa.String(length=12)
        )
