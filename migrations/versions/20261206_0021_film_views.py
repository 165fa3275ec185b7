"""film views and lessons completed by watching

film_views: where a leader stopped in each film and the seconds she has played (issue 16: resume,
and completion by watching); lessons.completion ("self" or "watched") and lessons.watched_percent.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 15:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "completion",
                sa.Enum("self", "watched", name="completionrule", native_enum=False, length=16),
                nullable=False,
                server_default="self",
            )
        )
        batch_op.add_column(sa.Column("watched_percent", sa.Integer(), nullable=True))
    op.create_table(
        "film_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("position_seconds", sa.Integer(), nullable=False),
        sa.Column("played", sa.JSON(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("updated_at", course_app.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["blocks.id"],
            name=op.f("fk_film_views_block_id_blocks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_film_views_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_film_views")),
        sa.UniqueConstraint(
            "enrolment_id", "block_id", name=op.f("uq_film_views_enrolment_id_block_id")
        ),
    )
    with op.batch_alter_table("film_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_film_views_block_id"), ["block_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_film_views_enrolment_id"), ["enrolment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("film_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_film_views_enrolment_id"))
        batch_op.drop_index(batch_op.f("ix_film_views_block_id"))
    op.drop_table("film_views")
    # Dropped in place (SQLite 3.35+ can): recreating "lessons" would fail on the foreign keys
    # of the rows that point at it.
    with op.batch_alter_table("lessons", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("watched_percent")
        batch_op.drop_column("completion")
