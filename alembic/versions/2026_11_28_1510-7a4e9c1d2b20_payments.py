"""Payments: runs, payment lines, payments, batches, bank files and returns, debts.

Revision ID: 7a4e9c1d2b20
Revises: 3f1c2a9b7d10
Create Date: 2026-11-28 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a4e9c1d2b20"
down_revision: str | None = "3f1c2a9b7d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("message_name", sa.String(length=30), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("imported_by", sa.Uuid(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("returns_count", sa.Integer(), nullable=False),
        sa.Column("matched_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by"], ["users.id"], name=op.f("fk_bank_files_imported_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_bank_files_sha256")),
    )
    op.create_table(
        "payment_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("execution_date", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_by", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dossiers_count", sa.Integer(), nullable=False),
        sa.Column("lines_count", sa.Integer(), nullable=False),
        sa.Column("payments_count", sa.Integer(), nullable=False),
        sa.Column("reissues_count", sa.Integer(), nullable=False),
        sa.Column("debts_count", sa.Integer(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["started_by"], ["users.id"], name=op.f("fk_payment_runs_started_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_runs")),
        sa.UniqueConstraint("kind", "period", name=op.f("uq_payment_runs_kind_period")),
    )
    op.create_table(
        "debts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("trainee_id", sa.Uuid(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("origin_run_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("remaining", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovery_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovery_order_reference", sa.String(length=40), nullable=True),
        sa.Column("waived_by", sa.Uuid(), nullable=True),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiver_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "remaining >= 0 AND remaining <= amount", name=op.f("ck_debts_remaining_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_debts_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["origin_run_id"], ["payment_runs.id"], name=op.f("fk_debts_origin_run_id_payment_runs")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_debts_trainee_id_trainees")
        ),
        sa.ForeignKeyConstraint(["waived_by"], ["users.id"], name=op.f("fk_debts_waived_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debts")),
    )
    with op.batch_alter_table("debts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debts_dossier_id"), ["dossier_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_debts_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_debts_trainee_id"), ["trainee_id"], unique=False)

    op.create_table(
        "payment_batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("pain_version", sa.String(length=20), nullable=False),
        sa.Column("execution_date", sa.Date(), nullable=False),
        sa.Column("category_purpose", sa.String(length=4), nullable=False),
        sa.Column("debtor_name", sa.String(length=70), nullable=False),
        sa.Column("debtor_iban", sa.String(length=34), nullable=False),
        sa.Column("debtor_bic", sa.String(length=11), nullable=True),
        sa.Column("number_of_transactions", sa.Integer(), nullable=False),
        sa.Column("control_sum", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("prepared_by", sa.Uuid(), nullable=True),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.Uuid(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancellation_reason", sa.String(length=300), nullable=True),
        sa.Column("replaces_batch_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "released_by IS NULL OR prepared_by IS NULL OR released_by <> prepared_by",
            name=op.f("ck_payment_batches_four_eyes"),
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by"], ["users.id"], name=op.f("fk_payment_batches_cancelled_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by"], ["users.id"], name=op.f("fk_payment_batches_prepared_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["released_by"], ["users.id"], name=op.f("fk_payment_batches_released_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_batch_id"],
            ["payment_batches.id"],
            name=op.f("fk_payment_batches_replaces_batch_id_payment_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["payment_runs.id"], name=op.f("fk_payment_batches_run_id_payment_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_batches")),
        sa.UniqueConstraint("message_id", name=op.f("uq_payment_batches_message_id")),
        sa.UniqueConstraint("replaces_batch_id", name=op.f("uq_payment_batches_replaces_batch_id")),
    )
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_batches_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_batches_status"), ["status"], unique=False)

    op.create_table(
        "payment_batch_chunks",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["payment_batches.id"],
            name=op.f("fk_payment_batch_chunks_batch_id_payment_batches"),
        ),
        sa.PrimaryKeyConstraint("batch_id", "sequence", name=op.f("pk_payment_batch_chunks")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("trainee_id", sa.Uuid(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("creditor_name", sa.String(length=200), nullable=False),
        sa.Column("creditor_name_epc", sa.String(length=70), nullable=False),
        sa.Column("creditor_street", sa.String(length=70), nullable=True),
        sa.Column("creditor_post_code", sa.String(length=16), nullable=True),
        sa.Column("creditor_town", sa.String(length=35), nullable=False),
        sa.Column("creditor_country", sa.String(length=2), nullable=False),
        sa.Column("iban_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("iban_hash", sa.String(length=64), nullable=False),
        sa.Column("iban_masked", sa.String(length=42), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=True),
        sa.Column("iban_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("iban_recently_changed", sa.Boolean(), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=False),
        sa.Column("payment_information_id", sa.String(length=35), nullable=True),
        sa.Column("remittance_information", sa.String(length=140), nullable=False),
        sa.Column("reissue_of", sa.Uuid(), nullable=True),
        sa.Column("return_kind", sa.String(length=10), nullable=True),
        sa.Column("return_reason_code", sa.String(length=4), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_positive_amount")),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["payment_batches.id"], name=op.f("fk_payments_batch_id_payment_batches")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_payments_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["reissue_of"], ["payments.id"], name=op.f("fk_payments_reissue_of_payments")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["payment_runs.id"], name=op.f("fk_payments_run_id_payment_runs")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_payments_trainee_id_trainees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("end_to_end_id", name=op.f("uq_payments_end_to_end_id")),
        sa.UniqueConstraint("reissue_of", name=op.f("uq_payments_reissue_of")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_dossier_id"), ["dossier_id"], unique=False)
        batch_op.create_index(
            "ix_payments_regular_per_run",
            ["run_id", "trainee_id"],
            unique=True,
            sqlite_where=sa.text("reissue_of IS NULL"),
            postgresql_where=sa.text("reissue_of IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_payments_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_trainee_id"), ["trainee_id"], unique=False)

    op.create_table(
        "bank_details_blocks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("iban_hash", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("reason_code", sa.String(length=4), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_bank_details_blocks_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_bank_details_blocks_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_details_blocks")),
    )
    with op.batch_alter_table("bank_details_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_details_blocks_dossier_id"), ["dossier_id"], unique=False
        )

    op.create_table(
        "bank_returns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("bank_file_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=25), nullable=False),
        sa.Column("original_end_to_end_id", sa.String(length=35), nullable=True),
        sa.Column("original_message_id", sa.String(length=35), nullable=True),
        sa.Column("original_payment_information_id", sa.String(length=35), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("reason_code", sa.String(length=4), nullable=True),
        sa.Column("additional_information", sa.String(length=500), nullable=True),
        sa.Column("booking_date", sa.Date(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_file_id"],
            ["bank_files.id"],
            name=op.f("fk_bank_returns_bank_file_id_bank_files"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_bank_returns_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_returns")),
    )
    with op.batch_alter_table("bank_returns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_returns_bank_file_id"), ["bank_file_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bank_returns_payment_id"), ["payment_id"], unique=False
        )

    op.create_table(
        "debt_offsets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("debt_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["debt_id"], ["debts.id"], name=op.f("fk_debt_offsets_debt_id_debts")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_debt_offsets_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["payment_runs.id"], name=op.f("fk_debt_offsets_run_id_payment_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debt_offsets")),
    )
    with op.batch_alter_table("debt_offsets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debt_offsets_debt_id"), ["debt_id"], unique=False)

    op.create_table(
        "payment_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("trainee_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("engine_amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("rule", sa.String(length=120), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_payment_lines_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_lines_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["payment_runs.id"], name=op.f("fk_payment_lines_run_id_payment_runs")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_payment_lines_trainee_id_trainees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_lines")),
        sa.UniqueConstraint(
            "dossier_id",
            "period",
            "kind",
            "revision",
            name=op.f("uq_payment_lines_dossier_id_period_kind_revision"),
        ),
    )
    with op.batch_alter_table("payment_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_lines_payment_id"), ["payment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payment_lines_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payment_lines_trainee_id"), ["trainee_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_lines_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_payment_lines_run_id"))
        batch_op.drop_index(batch_op.f("ix_payment_lines_payment_id"))

    op.drop_table("payment_lines")
    with op.batch_alter_table("debt_offsets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debt_offsets_debt_id"))

    op.drop_table("debt_offsets")
    with op.batch_alter_table("bank_returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_returns_payment_id"))
        batch_op.drop_index(batch_op.f("ix_bank_returns_bank_file_id"))

    op.drop_table("bank_returns")
    with op.batch_alter_table("bank_details_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_details_blocks_dossier_id"))

    op.drop_table("bank_details_blocks")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_payments_status"))
        batch_op.drop_index(
            "ix_payments_regular_per_run",
            sqlite_where=sa.text("reissue_of IS NULL"),
            postgresql_where=sa.text("reissue_of IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_payments_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_payments_batch_id"))

    op.drop_table("payments")
    op.drop_table("payment_batch_chunks")
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_batches_status"))
        batch_op.drop_index(batch_op.f("ix_payment_batches_run_id"))

    op.drop_table("payment_batches")
    with op.batch_alter_table("debts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debts_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_debts_status"))
        batch_op.drop_index(batch_op.f("ix_debts_dossier_id"))

    op.drop_table("debts")
    op.drop_table("payment_runs")
    op.drop_table("bank_files")
