"""visits: visit plans to a facility on a day, and the cases each is to see

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "visit_plan",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("facility_id", sa.String(length=36), nullable=True),
        sa.Column("facility_name", sa.String(length=200), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("officers", sa.JSON(), nullable=False),
        sa.Column("interpreter", sa.Boolean(), nullable=False),
        sa.Column("interpreter_name", sa.String(length=120), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facility.id"],
            name=op.f("fk_visit_plan_facility_id_facility"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_visit_plan_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_plan")),
    )
    with op.batch_alter_table("visit_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_plan_incident_id"), ["incident_id"])
        batch_op.create_index(batch_op.f("ix_visit_plan_facility_id"), ["facility_id"])
        batch_op.create_index(batch_op.f("ix_visit_plan_visit_date"), ["visit_date"])
    op.create_table(
        "visit_case",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_visit_case_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["visit_plan.id"],
            name=op.f("fk_visit_case_plan_id_visit_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_case")),
        sa.UniqueConstraint("plan_id", "case_id", name=op.f("uq_visit_case_plan_id_case_id")),
    )
    with op.batch_alter_table("visit_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_case_plan_id"), ["plan_id"])
        batch_op.create_index(batch_op.f("ix_visit_case_case_id"), ["case_id"])


def downgrade() -> None:
    with op.batch_alter_table("visit_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_case_case_id"))
        batch_op.drop_index(batch_op.f("ix_visit_case_plan_id"))
    op.drop_table("visit_case")
    with op.batch_alter_table("visit_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_plan_visit_date"))
        batch_op.drop_index(batch_op.f("ix_visit_plan_facility_id"))
        batch_op.drop_index(batch_op.f("ix_visit_plan_incident_id"))
    op.drop_table("visit_plan")
