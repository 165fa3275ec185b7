"""sign-in throttle

sign_in_failures: one row per failed sign-in, counted per account (the e-mail typed) and per client
address within a short window, so every worker and instance sees the same counts. ``key`` is a
SHA-256 of the e-mail or address, not the text itself: typed e-mails of strangers are not kept.
Rows older than the window are deleted as new failures come in.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 21:36:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import course_app.core.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failed_at", course_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_in_failures_scope_key_failed_at", ["scope", "key", "failed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sign_in_failures_failed_at"), ["failed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_failed_at"))
        batch_op.drop_index("ix_sign_in_failures_scope_key_failed_at")

    op.drop_table("sign_in_failures")
