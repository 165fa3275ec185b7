"""round assessments

round_assessments (which self-assessment a round uses: this platform's or an external tool's URL),
assessment_dispatches (that a leader was sent to the external tool, for reminders) and
wheel_reflections (her private answers to the wheel page's prompts); an assessment's optional intro
and outro films and its reflection prompts.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 04:03:25.564136+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("intro_video_url", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("outro_video_url", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("reflection_prompts", sa.JSON(), nullable=False, server_default="[]")
        )
    op.create_table(
        "round_assessments",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("external_url", sa.String(length=500), nullable=True),
        sa.Column("updated_at", course_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(assessment_id IS NULL AND external_url IS NOT NULL) OR (assessment_id IS NOT NULL AND external_url IS NULL)",
            name=op.f("ck_round_assessments_one_tool"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_round_assessments_assessment_id_assessments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_round_assessments_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_round_assessments")),
    )
    with op.batch_alter_table("round_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_round_assessments_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "assessment_dispatches",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column(
            "point",
            sa.Enum("start", "end", "adhoc", name="measurementpoint", native_enum=False, length=8),
            nullable=False,
        ),
        sa.CheckConstraint(
            "point IN ('start', 'end')", name=op.f("ck_assessment_dispatches_fixed_point")
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_assessment_dispatches_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessment_dispatches_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "cohort_id", "point", name=op.f("pk_assessment_dispatches")
        ),
    )
    with op.batch_alter_table("assessment_dispatches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_dispatches_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "wheel_reflections",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("prompt_key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", course_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_wheel_reflections_assessment_id_assessments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_wheel_reflections_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "assessment_id", "prompt_key", name=op.f("pk_wheel_reflections")
        ),
    )


def downgrade() -> None:
    op.drop_table("wheel_reflections")
    with op.batch_alter_table("assessment_dispatches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_dispatches_cohort_id"))

    op.drop_table("assessment_dispatches")
    with op.batch_alter_table("round_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_assessments_assessment_id"))

    op.drop_table("round_assessments")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("reflection_prompts")
        batch_op.drop_column("outro_video_url")
        batch_op.drop_column("intro_video_url")
