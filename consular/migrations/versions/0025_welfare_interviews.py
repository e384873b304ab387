"""welfare interviews: what a consular officer learns seeing a detainee at a visit

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "welfare_interview",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("interviewer", sa.String(length=120), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=False),
        sa.Column("interpreter", sa.Boolean(), nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=False),
        sa.Column("not_seen_reason", sa.String(length=16), nullable=False),
        sa.Column("not_seen_other", sa.String(length=200), nullable=False),
        sa.Column("health", sa.Text(), nullable=False),
        sa.Column("injured", sa.Boolean(), nullable=False),
        sa.Column("injuries", sa.Text(), nullable=False),
        sa.Column("medical_needs", sa.Boolean(), nullable=False),
        sa.Column("medical_notes", sa.Text(), nullable=False),
        sa.Column("complaints", sa.Text(), nullable=False),
        sa.Column("told_reason", sa.String(length=8), nullable=False),
        sa.Column("advised_rights", sa.String(length=8), nullable=False),
        sa.Column("family_notice", sa.String(length=12), nullable=False),
        sa.Column("employer_notice", sa.String(length=12), nullable=False),
        sa.Column("wish", sa.String(length=24), nullable=False),
        sa.Column("counsel_wanted", sa.Boolean(), nullable=False),
        sa.Column("property_held", sa.Text(), nullable=False),
        sa.Column("property_left", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_welfare_interview_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_interview")),
    )
    with op.batch_alter_table("welfare_interview", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welfare_interview_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_welfare_interview_recorded_at"), ["recorded_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("welfare_interview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_interview_recorded_at"))
        batch_op.drop_index(batch_op.f("ix_welfare_interview_case_id"))
    op.drop_table("welfare_interview")
