"""People: trainee version, search and identity columns, merges; dossier reference; document
history; on PostgreSQL the unaccent and pg_trgm extensions and trigram indexes for the search.

Revision ID: b7d21e4f9a30
Revises: b41d7e2c9a83
Create Date: 2026-12-06 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from remuneration.domain.people import dossier_reference, identity_key, search_text

revision: str = "b7d21e4f9a30"
down_revision: str | None = "b41d7e2c9a83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None



def _trainee_columns() -> None:
    with op.batch_alter_table("trainees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("search_name", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("identity_key", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_trainees_merged_into_id_trainees"), "trainees", ["merged_into_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_trainees_identity_key"), ["identity_key"])
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=8), nullable=True))
        batch_op.create_index(batch_op.f("ix_dossiers_reference"), ["reference"])


def _backfill() -> None:
    bind = op.get_bind()
    trainees = sa.table(
        "trainees",
        sa.column("id", sa.Uuid()),
        sa.column("last_name", sa.String()),
        sa.column("first_names", sa.String()),
        sa.column("birth_date", sa.Date()),
        sa.column("search_name", sa.String()),
        sa.column("identity_key", sa.String()),
        sa.column("anonymised_at", sa.DateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.select(
            trainees.c.id, trainees.c.last_name, trainees.c.first_names, trainees.c.birth_date
        ).where(trainees.c.anonymised_at.is_(None))
    ).all()
    for row in rows:
        bind.execute(
            trainees.update()
            .where(trainees.c.id == row.id)
            .values(
                search_name=search_text(row.last_name, row.first_names),
                identity_key=identity_key(row.last_name, row.first_names, row.birth_date),
            )
        )
    dossiers = sa.table("dossiers", sa.column("id", sa.Uuid()), sa.column("reference", sa.String()))
    for (dossier_id,) in bind.execute(sa.select(dossiers.c.id)).all():
        bind.execute(
            dossiers.update()
            .where(dossiers.c.id == dossier_id)
            .values(reference=dossier_reference(dossier_id.hex))
        )


def _document_versions() -> None:
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("verification_status", sa.String(length=10), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=True),
        sa.Column("content_type", sa.String(length=40), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("identity_type", sa.String(length=30), nullable=True),
        sa.Column("identity_expiry_date", sa.Date(), nullable=True),
        sa.Column("identity_number_masked", sa.String(length=40), nullable=True),
        sa.Column("nir_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("nir_hash", sa.String(length=64), nullable=True),
        sa.Column("iban_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("iban_hash", sa.String(length=64), nullable=True),
        sa.Column("bic", sa.String(length=11), nullable=True),
        sa.Column("holder", sa.String(length=140), nullable=True),
        sa.Column("refusal_reason", sa.String(length=300), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("verified_by", sa.Uuid(), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_versions_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_document_versions_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_document_versions_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by"], ["users.id"], name=op.f("fk_document_versions_verified_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by"], ["users.id"], name=op.f("fk_document_versions_replaced_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint(
            "document_id", "number", name=op.f("uq_document_versions_document_id_number")
        ),
    )
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_versions_document_id"), ["document_id"])
        batch_op.create_index(batch_op.f("ix_document_versions_dossier_id"), ["dossier_id"])


def upgrade() -> None:
    _trainee_columns()
    _backfill()
    _document_versions()
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # A trigram index on PostgreSQL; elsewhere (SQLite) a plain index on the normalised column.
    op.create_index(
        "ix_trainees_search_name_trgm",
        "trainees",
        ["search_name"],
        postgresql_using="gin",
        postgresql_ops={"search_name": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_trainees_search_name_trgm", table_name="trainees")
    op.drop_table("document_versions")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossiers_reference"))
        batch_op.drop_column("reference")
    with op.batch_alter_table("trainees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainees_identity_key"))
        batch_op.drop_constraint(
            batch_op.f("fk_trainees_merged_into_id_trainees"), type_="foreignkey"
        )
        for column in ("merged_at", "merged_into_id", "identity_key", "search_name", "version"):
            batch_op.drop_column(column)
