"""outbox scheduling: idempotency keys, HTML part, not_before, back-off, permanent failure, extra
headers and the person a message is written to

Lets the scheduler queue reminders ahead of time without ever writing one twice
(course_app/notifications/services.py: enqueue, deliver_outbox).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite adds a foreign key or a unique constraint only by copying the table, which
    # is safe here (no other table points at outbox_messages); PostgreSQL gets plain ALTER TABLEs.
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        for name in ("not_before", "next_attempt_at", "failed_at"):
            batch_op.add_column(
                sa.Column(name, course_app.core.db.UTCDateTime(timezone=True), nullable=True)
            )
        batch_op.create_unique_constraint(
            batch_op.f("uq_outbox_messages_idempotency_key"), ["idempotency_key"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_user_id_users"),
            "users",
            ["user_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_outbox_messages_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_user_id"))
        batch_op.drop_constraint(batch_op.f("fk_outbox_messages_user_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_outbox_messages_idempotency_key"), type_="unique")
        for name in (
            "failed_at",
            "next_attempt_at",
            "not_before",
            "user_id",
            "idempotency_key",
            "headers",
            "body_html",
        ):
            batch_op.drop_column(name)
