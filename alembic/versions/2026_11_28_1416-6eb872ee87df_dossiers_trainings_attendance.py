"""Dossiers, trainings and attendance: the first schema of remu.

Training organisations, trainings, trainees, dossiers with their declared facts and milestones,
documents (NIR and IBAN encrypted, keyed hashes for lookup), aid requests, exits, decisions
(input hash, rules version, parameter digest, canonical result), attendance statements and their
lines (with the `paid` lock the payment run sets), users, hashed API tokens, idempotency records
and the append-only audit log (UPDATE and DELETE refused by triggers on both databases).

Reviewed by hand after autogeneration: constraint names follow the metadata naming convention.

Revision ID: 6eb872ee87df
Revises: 
Create Date: 2026-11-28 14:16:29.720863
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6eb872ee87df'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('idempotency_records',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_headers', sa.JSON(), nullable=True),
    sa.Column('response_body', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_records')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_idempotency_records_scope_key'))
    )
    op.create_table('trainees',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_names', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('town', sa.String(length=100), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainees'))
    )
    op.create_table('training_organisations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_organisations')),
    sa.UniqueConstraint('siret', name=op.f('uq_training_organisations_siret'))
    )
    op.create_table('trainings',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('programme', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('total_hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('weekly_hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('approved_for_remuneration', sa.Boolean(), nullable=False),
    sa.Column('approval_reference', sa.String(length=60), nullable=True),
    sa.Column('approval_start_date', sa.Date(), nullable=True),
    sa.Column('approval_end_date', sa.Date(), nullable=True),
    sa.Column('licence_useful_for_trade', sa.Boolean(), nullable=True),
    sa.Column('site_name', sa.String(length=200), nullable=False),
    sa.Column('site_street', sa.String(length=200), nullable=True),
    sa.Column('site_postcode', sa.String(length=10), nullable=False),
    sa.Column('site_town', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['training_organisations.id'], name=op.f('fk_trainings_organisation_id_training_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainings'))
    )
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainings_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['training_organisations.id'], name=op.f('fk_users_organisation_id_training_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_tokens_prefix'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('attendance_statements',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('training_id', sa.Uuid(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('corrections', sa.Integer(), nullable=False),
    sa.Column('submitted_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submitted_by'], ['users.id'], name=op.f('fk_attendance_statements_submitted_by_users')),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_attendance_statements_training_id_trainings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_statements')),
    sa.UniqueConstraint('training_id', 'month', name=op.f('uq_attendance_statements_training_id_month'))
    )
    with op.batch_alter_table('attendance_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_statements_training_id'), ['training_id'], unique=False)

    op.create_table('dossiers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('training_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('facts_version', sa.Integer(), nullable=False),
    sa.Column('trainee_status', sa.String(length=30), nullable=True),
    sa.Column('france_travail_registered', sa.Boolean(), nullable=True),
    sa.Column('france_travail_indemnity', sa.String(length=10), nullable=True),
    sa.Column('insertion_contract', sa.String(length=40), nullable=True),
    sa.Column('insertion_are_complement', sa.Boolean(), nullable=True),
    sa.Column('insertion_hours_outside_work', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('distance_km', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('driving_licence_aid_received', sa.Boolean(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('incomplete_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('exited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_dossiers_created_by_users')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_dossiers_trainee_id_trainees')),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_dossiers_training_id_trainings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers')),
    sa.UniqueConstraint('trainee_id', 'training_id', name=op.f('uq_dossiers_trainee_id_training_id'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_trainee_id'), ['trainee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_training_id'), ['training_id'], unique=False)

    op.create_table('aid_requests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('request_date', sa.Date(), nullable=False),
    sa.Column('invoice_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('other_funding', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('code_status', sa.String(length=20), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_aid_requests_created_by_users')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_aid_requests_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_requests'))
    )
    with op.batch_alter_table('aid_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_requests_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('attendance_statement_lines',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('statement_id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('scheduled_hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('attended_hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('justified_absence_hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('unjustified_absence_hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('daily_allowances', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('hours_outside_work', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_attendance_statement_lines_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['statement_id'], ['attendance_statements.id'], name=op.f('fk_attendance_statement_lines_statement_id_attendance_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_statement_lines')),
    sa.UniqueConstraint('statement_id', 'dossier_id', name=op.f('uq_attendance_statement_lines_statement_id_dossier_id'))
    )
    with op.batch_alter_table('attendance_statement_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_statement_lines_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_statement_lines_statement_id'), ['statement_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('facts_version', sa.Integer(), nullable=False),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('input_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('rules_version', sa.String(length=80), nullable=False),
    sa.Column('parameters_digest', sa.String(length=128), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('result_json', sa.Text(), nullable=False),
    sa.Column('taken_by', sa.Uuid(), nullable=True),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_decisions_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['taken_by'], ['users.id'], name=op.f('fk_decisions_taken_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('dossier_id', 'number', name=op.f('uq_decisions_dossier_id_number'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('verification_status', sa.String(length=10), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=True),
    sa.Column('content_type', sa.String(length=40), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('identity_type', sa.String(length=30), nullable=True),
    sa.Column('identity_expiry_date', sa.Date(), nullable=True),
    sa.Column('identity_number_masked', sa.String(length=40), nullable=True),
    sa.Column('nir_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('nir_hash', sa.String(length=64), nullable=True),
    sa.Column('iban_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('iban_hash', sa.String(length=64), nullable=True),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.Column('holder', sa.String(length=140), nullable=True),
    sa.Column('iban_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('change_reason', sa.String(length=300), nullable=True),
    sa.Column('refusal_reason', sa.String(length=300), nullable=True),
    sa.Column('recorded_by', sa.Uuid(), nullable=True),
    sa.Column('verified_by', sa.Uuid(), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_documents_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_documents_recorded_by_users')),
    sa.ForeignKeyConstraint(['verified_by'], ['users.id'], name=op.f('fk_documents_verified_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('dossier_id', 'kind', name=op.f('uq_documents_dossier_id_kind'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_iban_hash'), ['iban_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_nir_hash'), ['nir_hash'], unique=False)

    op.create_table('exits',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('exit_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('recorded_by', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_exits_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_exits_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exits')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_exits_dossier_id'))
    )
    _create_audit_guards()


_PG_GUARD_FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql
"""


def _create_audit_guards() -> None:
    """Refuse UPDATE and DELETE on the audit log, at the database level."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
        )


def _drop_audit_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")


def downgrade() -> None:
    _drop_audit_guards()
    op.drop_table('exits')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_nir_hash'))
        batch_op.drop_index(batch_op.f('ix_documents_iban_hash'))
        batch_op.drop_index(batch_op.f('ix_documents_dossier_id'))

    op.drop_table('documents')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_dossier_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('attendance_statement_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_statement_lines_statement_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_statement_lines_dossier_id'))

    op.drop_table('attendance_statement_lines')
    with op.batch_alter_table('aid_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_requests_dossier_id'))

    op.drop_table('aid_requests')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_training_id'))
        batch_op.drop_index(batch_op.f('ix_dossiers_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_dossiers_status'))

    op.drop_table('dossiers')
    with op.batch_alter_table('attendance_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_statements_training_id'))

    op.drop_table('attendance_statements')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainings_organisation_id'))

    op.drop_table('trainings')
    op.drop_table('training_organisations')
    op.drop_table('trainees')
    op.drop_table('idempotency_records')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
