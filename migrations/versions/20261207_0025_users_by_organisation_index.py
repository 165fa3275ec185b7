"""users by organisation and id

The index on users (organisation_id) becomes one on (organisation_id, id): an organisation's people
are then read from the index alone. At XL (50,000 people, about 1,000 in each organisation) the
service check's count for a coordinator read a thousand rows scattered over the table, 8 ms of its
9 (docs/performance.md); from the index it takes about one.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 10:40:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "ix_users_organisation_id_id", ["organisation_id", "id"], unique=False
        )
        batch_op.drop_index("ix_users_organisation_id")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_organisation_id", ["organisation_id"], unique=False)
        batch_op.drop_index("ix_users_organisation_id_id")
