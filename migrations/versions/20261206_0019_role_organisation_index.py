"""role assignments by role and organisation

An index on role_assignments (role, organisation_id): who holds a role for an organisation (the
supporters serving it, its coordinators). Without it PostgreSQL read every role row and hashed a
round's every service-check slot to count one organisation's (docs/performance.md, XL against L).
On PostgreSQL also statistics on the two columns together: most role rows have no organisation, so
without them "supporters of no organisation" was guessed at nearly every supporter, and the planner
still read every slot of the round (4.5 ms → 0.2 ms at XL).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 11:30:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATISTICS = "st_role_assignments_role_organisation_id"


def upgrade() -> None:
    with op.batch_alter_table("role_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_role_assignments_role_organisation_id", ["role", "organisation_id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE STATISTICS {STATISTICS} (mcv) ON role, organisation_id FROM role_assignments"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
    with op.batch_alter_table("role_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_role_assignments_role_organisation_id")
