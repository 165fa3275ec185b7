"""self assessment

assessment_participations (who started and completed start and end, for reminders; no answers, no
dates) and assessment_responses / assessment_answers (the answers under a keyed pseudonym, no user
id, a day only): the competence wheel's self-assessment, anonymous by design (docs/privacy.md).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 01:46:51.804654+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_participations",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column(
            "point",
            sa.Enum("start", "end", "adhoc", name="measurementpoint", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "point IN ('start', 'end')", name=op.f("ck_assessment_participations_fixed_point")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_participations_assessment_id_assessments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_assessment_participations_cohort_id_cohorts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessment_participations_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "user_id",
            "cohort_id",
            "assessment_id",
            "point",
            name=op.f("pk_assessment_participations"),
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("assessment_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_participations_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "assessment_responses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column(
            "point",
            sa.Enum("start", "end", "adhoc", name="measurementpoint", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "sequence >= 0", name=op.f("ck_assessment_responses_sequence_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_assessment_responses_area_id_areas"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_responses_assessment_id_assessments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_assessment_responses_cohort_id_cohorts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["leader_groups.id"],
            name=op.f("fk_assessment_responses_group_id_leader_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_assessment_responses_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_responses")),
        sa.UniqueConstraint(
            "pseudonym",
            "assessment_id",
            "cohort_id",
            "point",
            "sequence",
            name=op.f("uq_assessment_responses_pseudonym_assessment_id_cohort_id_point_sequence"),
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("assessment_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_responses_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_responses_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "assessment_answers",
        sa.Column("response_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["assessment_items.id"],
            name=op.f("fk_assessment_answers_item_id_assessment_items"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["assessment_responses.id"],
            name=op.f("fk_assessment_answers_response_id_assessment_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "item_id", name=op.f("pk_assessment_answers")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("assessment_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_answers_item_id"), ["item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_answers_item_id"))

    op.drop_table("assessment_answers")
    with op.batch_alter_table("assessment_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_responses_cohort_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_responses_assessment_id"))

    op.drop_table("assessment_responses")
    with op.batch_alter_table("assessment_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_participations_cohort_id"))

    op.drop_table("assessment_participations")
