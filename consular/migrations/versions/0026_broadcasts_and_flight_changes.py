"""broadcasts to an incident's families or employers; flights delayed and cancelled

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcast",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("scope_id", sa.String(length=36), nullable=True),
        sa.Column("scope_label", sa.String(length=200), nullable=False),
        sa.Column("subject_ko", sa.String(length=150), nullable=False),
        sa.Column("body_ko", sa.Text(), nullable=False),
        sa.Column("subject_en", sa.String(length=150), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("sent_by", sa.String(length=120), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_broadcast_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast")),
    )
    with op.batch_alter_table("broadcast", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcast_incident_id"), ["incident_id"], unique=False)
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("broadcast_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_notification_broadcast_id"), ["broadcast_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_broadcast_id_broadcast"),
            "broadcast",
            ["broadcast_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("flight", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_departs_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_reason", sa.String(length=500), server_default="", nullable=False)
        )
    op.create_table(
        "lost_seat",
        sa.Column("flight_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("lost_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_lost_seat_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flight_id"],
            ["flight.id"],
            name=op.f("fk_lost_seat_flight_id_flight"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lost_seat")),
    )
    with op.batch_alter_table("lost_seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lost_seat_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lost_seat_flight_id"), ["flight_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lost_seat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lost_seat_flight_id"))
        batch_op.drop_index(batch_op.f("ix_lost_seat_case_id"))
    op.drop_table("lost_seat")
    with op.batch_alter_table("flight", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("cancelled_by")
        batch_op.drop_column("first_departs_at")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notification_broadcast_id_broadcast"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_notification_broadcast_id"))
        batch_op.drop_column("broadcast_id")
    with op.batch_alter_table("broadcast", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcast_incident_id"))
    op.drop_table("broadcast")
