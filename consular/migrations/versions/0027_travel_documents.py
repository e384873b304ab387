"""travel documents: what each case's person travels on, and where their passport is

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "travel_document",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("post_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("number", sa.Text(), nullable=True),
        sa.Column("number_index", sa.String(length=32), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("validity", sa.String(length=24), nullable=False),
        sa.Column("passport_whereabouts", sa.String(length=24), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("printed", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_travel_document_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_travel_document_post_id_post")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_document")),
        sa.UniqueConstraint("case_id", name=op.f("uq_travel_document_case_id")),
        sa.UniqueConstraint(
            "post_id", "number_index", name=op.f("uq_travel_document_post_id_number_index")
        ),
    )
    with op.batch_alter_table("travel_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_travel_document_post_id"), ["post_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("travel_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_travel_document_post_id"))
    op.drop_table("travel_document")
