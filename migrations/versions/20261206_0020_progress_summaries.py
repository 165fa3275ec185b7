"""progress summaries

progress_summaries: a round's progress counted ahead per organisation and module by the scheduler,
for the report over every organisation of a platform (docs/performance.md).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 11:45:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "progress_summaries",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("counted_at", course_app.core.db.UTCDateTime(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_progress_summaries_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_progress_summaries")),
    )


def downgrade() -> None:
    op.drop_table("progress_summaries")
