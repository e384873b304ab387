"""re-entry facts, assessments, outcomes and assurances

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 18:41:28.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assurance",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("given_by", sa.String(length=200), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_assurance_incident_id_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assurance")),
    )
    with op.batch_alter_table("assurance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assurance_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "reentry_assessment",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("ruleset_version", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("rule_ids", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("made_by", sa.String(length=120), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_reentry_assessment_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reentry_assessment")),
    )
    with op.batch_alter_table("reentry_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reentry_assessment_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "reentry_facts",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("entry_status", sa.String(length=10), nullable=True),
        sa.Column("entry_date", sa.Date(), nullable=True),
        sa.Column("admitted_until", sa.Date(), nullable=True),
        sa.Column("departure_mode", sa.String(length=32), nullable=True),
        sa.Column("departed_on", sa.Date(), nullable=True),
        sa.Column("unlawful_presence_days", sa.Integer(), nullable=True),
        sa.Column("prior_removals", sa.Integer(), nullable=False),
        sa.Column("misrepresentation_finding", sa.Boolean(), nullable=False),
        sa.Column("status_violation", sa.Boolean(), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_reentry_facts_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reentry_facts")),
        sa.UniqueConstraint("case_id", name=op.f("uq_reentry_facts_case_id")),
    )
    op.create_table(
        "reentry_outcome",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_reentry_outcome_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reentry_outcome")),
    )
    with op.batch_alter_table("reentry_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reentry_outcome_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reentry_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reentry_outcome_case_id"))

    op.drop_table("reentry_outcome")
    op.drop_table("reentry_facts")
    with op.batch_alter_table("reentry_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reentry_assessment_case_id"))

    op.drop_table("reentry_assessment")
    with op.batch_alter_table("assurance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assurance_incident_id"))

    op.drop_table("assurance")
