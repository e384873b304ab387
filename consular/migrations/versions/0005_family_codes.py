"""family status codes and failed status lookups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 09:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_code",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_family_code_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["emergency_contact.id"],
            name=op.f("fk_family_code_contact_id_emergency_contact"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_family_code_code_hash")),
    )
    with op.batch_alter_table("family_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_code_case_id"), ["case_id"], unique=False)

    op.create_table(
        "status_lookup_failure",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lookup_failure")),
    )
    with op.batch_alter_table("status_lookup_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_lookup_failure_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_status_lookup_failure_client"), ["client"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_status_lookup_failure_code_hash"), ["code_hash"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("status_lookup_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_lookup_failure_code_hash"))
        batch_op.drop_index(batch_op.f("ix_status_lookup_failure_client"))
        batch_op.drop_index(batch_op.f("ix_status_lookup_failure_at"))
    op.drop_table("status_lookup_failure")
    with op.batch_alter_table("family_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_code_case_id"))
    op.drop_table("family_code")
