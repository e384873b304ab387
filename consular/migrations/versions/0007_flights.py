"""flights home, their seats, and each case's travel document and special needs

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("travel_document", sa.String(length=24), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("special_needs", sa.Text(), nullable=False, server_default="")
        )
    op.create_table(
        "flight",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("carrier", sa.String(length=80), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=80), nullable=False),
        sa.Column("destination", sa.String(length=80), nullable=False),
        sa.Column("departs_at", sa.DateTime(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.Column("departed_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_flight_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flight")),
    )
    with op.batch_alter_table("flight", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flight_incident_id"), ["incident_id"], unique=False)
    op.create_table(
        "flight_seat",
        sa.Column("flight_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("assigned_by", sa.String(length=120), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_flight_seat_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["flight_id"],
            ["flight.id"],
            name=op.f("fk_flight_seat_flight_id_flight"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flight_seat")),
        sa.UniqueConstraint("case_id", name=op.f("uq_flight_seat_case_id")),
    )
    with op.batch_alter_table("flight_seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flight_seat_flight_id"), ["flight_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("flight_seat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flight_seat_flight_id"))
    op.drop_table("flight_seat")
    with op.batch_alter_table("flight", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flight_incident_id"))
    op.drop_table("flight")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("special_needs")
        batch_op.drop_column("travel_document")
