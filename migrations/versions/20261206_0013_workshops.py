"""workshops: area correspondences, sign-ups, facilitators, table plans

area_correspondences, workshop_settings, workshop_facilitators, workshop_signups and table_seats:
the joint workshops of two organisations (issue 13; course_app/workshops/models.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 00:24:15.632477+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area_correspondences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_area_id", sa.Integer(), nullable=False),
        sa.Column("second_area_id", sa.Integer(), nullable=False),
        sa.Column("created_at", course_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "first_area_id < second_area_id", name=op.f("ck_area_correspondences_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_area_correspondences_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["first_area_id"],
            ["areas.id"],
            name=op.f("fk_area_correspondences_first_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["second_area_id"],
            ["areas.id"],
            name=op.f("fk_area_correspondences_second_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_correspondences")),
        sa.UniqueConstraint(
            "first_area_id",
            "second_area_id",
            name=op.f("uq_area_correspondences_first_area_id_second_area_id"),
        ),
    )
    with op.batch_alter_table("area_correspondences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_area_correspondences_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_area_correspondences_first_area_id"), ["first_area_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_area_correspondences_second_area_id"), ["second_area_id"], unique=False
        )

    op.create_table(
        "table_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("table_number", sa.SmallInteger(), nullable=False),
        sa.Column("published_table", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint("table_number >= 1", name=op.f("ck_table_seats_table_number_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_table_seats_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_table_seats_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_seats")),
        sa.UniqueConstraint("event_id", "user_id", name=op.f("uq_table_seats_event_id_user_id")),
    )
    with op.batch_alter_table("table_seats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_table_seats_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_table_seats_user_id"), ["user_id"], unique=False)

    op.create_table(
        "workshop_facilitators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", course_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_workshop_facilitators_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_workshop_facilitators_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_facilitators")),
        sa.UniqueConstraint(
            "event_id", "user_id", name=op.f("uq_workshop_facilitators_event_id_user_id")
        ),
    )
    with op.batch_alter_table("workshop_facilitators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_facilitators_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_workshop_facilitators_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "workshop_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("min_size", sa.SmallInteger(), nullable=False),
        sa.Column("max_size", sa.SmallInteger(), nullable=False),
        sa.Column("max_tables", sa.SmallInteger(), nullable=True),
        sa.Column(
            "group_policy",
            sa.Enum("spread", "together", name="grouppolicy", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("planned_at", course_app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", course_app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("materials", sa.Text(), nullable=False),
        sa.Column("updated_at", course_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "max_tables IS NULL OR (max_tables >= 1 AND max_tables <= 500)",
            name=op.f("ck_workshop_settings_tables_range"),
        ),
        sa.CheckConstraint(
            "min_size >= 1 AND min_size <= max_size AND max_size <= 50",
            name=op.f("ck_workshop_settings_size_range"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_workshop_settings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_workshop_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_settings")),
        sa.UniqueConstraint("event_id", name=op.f("uq_workshop_settings_event_id")),
    )
    with op.batch_alter_table("workshop_settings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_settings_updated_by_id"), ["updated_by_id"], unique=False
        )

    op.create_table(
        "workshop_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("coming", sa.Boolean(), nullable=True),
        sa.Column("answered_at", course_app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column(
            "attendance_marked_at", course_app.core.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("attendance_marked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attendance_marked_by_id"],
            ["users.id"],
            name=op.f("fk_workshop_signups_attendance_marked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_workshop_signups_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_workshop_signups_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_signups")),
        sa.UniqueConstraint(
            "event_id", "user_id", name=op.f("uq_workshop_signups_event_id_user_id")
        ),
    )
    with op.batch_alter_table("workshop_signups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_signups_attendance_marked_by_id"),
            ["attendance_marked_by_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_workshop_signups_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_workshop_signups_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workshop_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_signups_user_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_signups_event_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_signups_attendance_marked_by_id"))

    op.drop_table("workshop_signups")
    with op.batch_alter_table("workshop_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_settings_updated_by_id"))

    op.drop_table("workshop_settings")
    with op.batch_alter_table("workshop_facilitators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_facilitators_user_id"))
        batch_op.drop_index(batch_op.f("ix_workshop_facilitators_event_id"))

    op.drop_table("workshop_facilitators")
    with op.batch_alter_table("table_seats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_table_seats_user_id"))
        batch_op.drop_index(batch_op.f("ix_table_seats_event_id"))

    op.drop_table("table_seats")
    with op.batch_alter_table("area_correspondences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_correspondences_second_area_id"))
        batch_op.drop_index(batch_op.f("ix_area_correspondences_first_area_id"))
        batch_op.drop_index(batch_op.f("ix_area_correspondences_created_by_id"))

    op.drop_table("area_correspondences")
