"""assessment definitions

assessments, assessment_areas, assessment_items: the competence wheel's framework as imported from
assessment files (docs/assessment-format.md); no personal data.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 01:21:55.581612+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title_da", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("demo_model", sa.Boolean(), nullable=False),
        sa.Column("label_da", sa.String(length=300), nullable=False),
        sa.Column("label_en", sa.String(length=300), nullable=False),
        sa.Column("intro_da", sa.Text(), nullable=False),
        sa.Column("intro_en", sa.Text(), nullable=False),
        sa.Column("outro_da", sa.Text(), nullable=False),
        sa.Column("outro_en", sa.Text(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("scale_labels", sa.JSON(), nullable=False),
        sa.Column("created_at", course_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", course_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", course_app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("key", name=op.f("uq_assessments_key")),
    )
    op.create_table(
        "assessment_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title_da", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired_at", course_app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_areas_assessment_id_assessments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_areas")),
        sa.UniqueConstraint(
            "assessment_id", "key", name=op.f("uq_assessment_areas_assessment_id_key")
        ),
    )
    with op.batch_alter_table("assessment_areas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_areas_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "assessment_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column(
            "dimension",
            sa.Enum(
                "knowledge", "skills", "approach", name="dimension", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("text_da", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("retired_at", course_app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["assessment_areas.id"],
            name=op.f("fk_assessment_items_area_id_assessment_areas"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_items_assessment_id_assessments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_items")),
        sa.UniqueConstraint(
            "assessment_id", "key", name=op.f("uq_assessment_items_assessment_id_key")
        ),
    )
    with op.batch_alter_table("assessment_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_items_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessment_items_assessment_id"), ["assessment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_items_assessment_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_items_area_id"))

    op.drop_table("assessment_items")
    with op.batch_alter_table("assessment_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_areas_assessment_id"))

    op.drop_table("assessment_areas")
    op.drop_table("assessments")
