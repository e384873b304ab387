"""reminders: a message may go to an officer; the checklist items each officer was told of

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.String(length=36), nullable=True))
        batch_op.alter_column("case_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_user_id_user_account"),
            "user_account",
            ["user_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_table(
        "reminder",
        sa.Column("milestone_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("milestone_id", "user_id", "level", name=op.f("pk_reminder")),
    )


def downgrade() -> None:
    op.drop_table("reminder")
    # Officers' messages have no case: they go with the column that named their officer.
    op.execute("DELETE FROM notification WHERE case_id IS NULL")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notification_user_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))
        batch_op.alter_column("case_id", existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column("user_id")
