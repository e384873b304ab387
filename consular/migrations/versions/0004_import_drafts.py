"""import drafts of the workspace's import wizard

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 08:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_draft",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("date_format", sa.String(length=20), nullable=False),
        sa.Column("corrections", sa.JSON(), nullable=False),
        sa.Column("skip_invalid", sa.Boolean(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=True),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("source_list_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_import_draft_incident_id_incident"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_import_draft_owner_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_draft")),
    )
    with op.batch_alter_table("import_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_draft_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_import_draft_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_draft_owner_id"))
        batch_op.drop_index(batch_op.f("ix_import_draft_incident_id"))
    op.drop_table("import_draft")
