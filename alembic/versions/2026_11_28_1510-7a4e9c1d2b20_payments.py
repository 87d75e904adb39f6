"""Payments: runs, payment lines, payments, batches, bank files and returns, debts.

Revision ID: 7a4e9c1d2b20
Revises: 3f1c2a9b7d10
Create Date: 2026-11-28 15:10:00
"""

from collections.abc import Sequence

revision: str = "7a4e9c1d2b20"
down_revision: str | None = "3f1c2a9b7d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Filled by the payments change (tables are added here, in one reviewed migration)."""


def downgrade() -> None:
    """Filled by the payments change."""
