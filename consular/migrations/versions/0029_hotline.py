"""hotline: the families' hotline, one row per call about a person in an incident

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 21:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hotline_inquiry",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("caller_name", sa.String(length=120), nullable=False),
        sa.Column("caller_relation", sa.String(length=60), nullable=False),
        sa.Column("caller_phone", sa.Text(), nullable=False),
        sa.Column("caller_language", sa.String(length=5), nullable=False),
        sa.Column("subject_name", sa.String(length=120), nullable=False),
        sa.Column("subject_birth", sa.Date(), nullable=True),
        sa.Column("subject_birth_typed", sa.String(length=40), nullable=False),
        sa.Column("subject_employer", sa.String(length=200), nullable=False),
        sa.Column("last_seen", sa.String(length=300), nullable=False),
        sa.Column("said", sa.Text(), nullable=False),
        sa.Column("promised", sa.Text(), nullable=False),
        sa.Column("callback_due", sa.DateTime(), nullable=True),
        sa.Column("called_back_at", sa.DateTime(), nullable=True),
        sa.Column("taken_by", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("contact_id", sa.String(length=36), nullable=True),
        sa.Column("source_record_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_hotline_inquiry_incident_id_incident"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_hotline_inquiry_case_id_case_file"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["emergency_contact.id"],
            name=op.f("fk_hotline_inquiry_contact_id_emergency_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_record_id"],
            ["source_record.id"],
            name=op.f("fk_hotline_inquiry_source_record_id_source_record"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_inquiry")),
    )
    with op.batch_alter_table("hotline_inquiry", schema=None) as batch_op:
        for column in ("incident_id", "case_id", "callback_due", "state"):
            batch_op.create_index(
                batch_op.f(f"ix_hotline_inquiry_{column}"), [column], unique=False
            )


def downgrade() -> None:
    with op.batch_alter_table("hotline_inquiry", schema=None) as batch_op:
        for column in ("state", "callback_due", "case_id", "incident_id"):
            batch_op.drop_index(batch_op.f(f"ix_hotline_inquiry_{column}"))
    op.drop_table("hotline_inquiry")
