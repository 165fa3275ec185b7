"""releases: module release rules, a round's own rules, unlocks per leader

Modules get the release rule of their module.md (courses/release_rules.py); a round can override
it per module (cohort_releases); module_unlocks records, per enrolment, which modules have opened
and when (never revoked) and whether the leader has been told.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:21:59.519077+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cohort_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=True),
    sa.Column('updated_at', course_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_releases_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_cohort_releases_module_id_modules'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_releases')),
    sa.UniqueConstraint('cohort_id', 'module_id', name=op.f('uq_cohort_releases_cohort_id_module_id'))
    )
    with op.batch_alter_table('cohort_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_releases_module_id'), ['module_id'], unique=False)

    op.create_table('module_unlocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('unlocked_at', course_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('notified_at', course_app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_module_unlocks_enrolment_id_enrolments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_unlocks_module_id_modules'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_unlocks')),
    sa.UniqueConstraint('enrolment_id', 'module_id', name=op.f('uq_module_unlocks_enrolment_id_module_id'))
    )
    with op.batch_alter_table('module_unlocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_unlocks_module_id'), ['module_id'], unique=False)
        batch_op.create_index('ix_module_unlocks_not_notified', ['enrolment_id', 'notified_at'], unique=False)

    # Plain ALTER TABLE (as in 0005): a batch copy of "modules" would fail on SQLite, where other
    # tables' foreign keys point at it.
    op.add_column('modules', sa.Column('release', sa.JSON(), nullable=True))



def downgrade() -> None:
    op.drop_column('modules', 'release')

    with op.batch_alter_table('module_unlocks', schema=None) as batch_op:
        batch_op.drop_index('ix_module_unlocks_not_notified')
        batch_op.drop_index(batch_op.f('ix_module_unlocks_module_id'))

    op.drop_table('module_unlocks')
    with op.batch_alter_table('cohort_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_releases_module_id'))

    op.drop_table('cohort_releases')
