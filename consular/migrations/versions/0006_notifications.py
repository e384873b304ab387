"""the notification outbox, and contacts who opted out of messages

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 09:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("emergency_contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("opted_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "notification",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=True),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_notification_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["emergency_contact.id"],
            name=op.f("fk_notification_contact_id_emergency_contact"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notification_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notification_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_state"))
        batch_op.drop_index(batch_op.f("ix_notification_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_notification_case_id"))
    op.drop_table("notification")
    with op.batch_alter_table("emergency_contact", schema=None) as batch_op:
        batch_op.drop_column("opted_out")
