"""events and calendar feeds: a round's kick-off, leader meetings, workshops, service check and end

events: one row per event of a round (times as UTC instants; the kind's own fields held by check
constraints: a workshop's number, a leader meeting's group and question set); calendar_feeds: each
person's secret feed address, stored as a SHA-256 hash of its token only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:49:38.228380+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', course_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('kickoff', 'leader_meeting', 'workshop', 'service_check', 'round_end', name='eventkind', native_enum=False, length=32), nullable=False),
    sa.Column('number', sa.SmallInteger(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', course_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', course_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', course_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', course_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(kind = 'leader_meeting' AND group_id IS NOT NULL) OR (kind <> 'leader_meeting' AND group_id IS NULL AND module_id IS NULL)", name=op.f('ck_events_meeting_group')),
    sa.CheckConstraint("(kind = 'workshop' AND number IN (1, 2)) OR (kind <> 'workshop' AND number IS NULL)", name=op.f('ck_events_workshop_number')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_ends_after_start')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_events_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['leader_groups.id'], name=op.f('fk_events_group_id_leader_groups'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_events_module_id_modules'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_events_updated_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('cohort_id', 'group_id', 'module_id', name=op.f('uq_events_cohort_id_group_id_module_id')),
    sa.UniqueConstraint('cohort_id', 'kind', 'number', name=op.f('uq_events_cohort_id_kind_number'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_cohort_id_starts_at', ['cohort_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_updated_by_id'), ['updated_by_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_updated_by_id'))
        batch_op.drop_index(batch_op.f('ix_events_module_id'))
        batch_op.drop_index(batch_op.f('ix_events_group_id'))
        batch_op.drop_index('ix_events_cohort_id_starts_at')

    op.drop_table('events')
    op.drop_table('calendar_feeds')
