"""The relation-usagers case queue: cases, entries, events, agents, saved views.

Revision ID: c5b8d3e6f431
Revises: 7a4e9c1d2b20
Create Date: 2026-11-28 15:20:00
"""

from collections.abc import Sequence

revision: str = "c5b8d3e6f431"
down_revision: str | None = "7a4e9c1d2b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Filled by the case queue change."""


def downgrade() -> None:
    """Filled by the case queue change."""
