"""Stored dossier views and their global epoch (GET /v1/dossiers/{id} served from the database
while fresh).

Revision ID: d5e8a1c73b20
Revises: b7d21e4f9a30
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5e8a1c73b20"
down_revision: str | None = "b7d21e4f9a30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dossier_views",
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("stamp", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("digest", sa.String(length=200), nullable=True),
        sa.Column("epoch", sa.Integer(), nullable=True),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("dossier_id", name=op.f("pk_dossier_views")),
    )
    epoch = op.create_table(
        "dossier_view_epoch",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_view_epoch")),
    )
    op.bulk_insert(epoch, [{"id": 1, "epoch": 1}])


def downgrade() -> None:
    op.drop_table("dossier_view_epoch")
    op.drop_table("dossier_views")
