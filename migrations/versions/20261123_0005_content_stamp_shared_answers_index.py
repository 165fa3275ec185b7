"""courses.content_stamp (a new random value whenever a course's content changes); an index for the
answers shared with a group

Lets every app process keep the leader's course outline in memory and know, from the course row it
reads anyway, when that copy is out of date (course_app/courses/outline_cache.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (SQLite 3.35+ drops columns itself): a batch copy of
    # "courses" would fail on SQLite, where other tables' foreign keys point at it.
    op.add_column(
        "courses",
        sa.Column("content_stamp", sa.String(length=32), nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_reflection_answers_shared_group_block",
        "reflection_answers",
        ["shared_group_id", "block_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_reflection_answers_shared_group_block", table_name="reflection_answers")
    op.drop_column("courses", "content_stamp")
