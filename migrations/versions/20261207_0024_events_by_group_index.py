"""events by round and group

An index on events (cohort_id, group_id, starts_at): "Mit forløb" reads a round's own events (those
without a group) and the leader's group's meetings. Through the index on (cohort_id, starts_at) it
visited every group's meetings of the round, 2,000 rows at L (docs/performance.md).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 04:20:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_cohort_id_group_id_starts_at",
            ["cohort_id", "group_id", "starts_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_cohort_id_group_id_starts_at")
