"""two persons found to be the same are merged, and the merge can be undone

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_person_merged_into_id"), ["merged_into_id"], unique=False
        )
    op.create_table(
        "person_merge",
        sa.Column("kept_id", sa.String(length=36), nullable=False),
        sa.Column("duplicate_id", sa.String(length=36), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("merged_by", sa.String(length=120), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_by", sa.String(length=120), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undo_reason", sa.String(length=500), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["duplicate_id"], ["person.id"], name=op.f("fk_person_merge_duplicate_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["person.id"], name=op.f("fk_person_merge_kept_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge")),
    )
    with op.batch_alter_table("person_merge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_merge_duplicate_id"), ["duplicate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_merge_kept_id"), ["kept_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_merge_kept_id"))
        batch_op.drop_index(batch_op.f("ix_person_merge_duplicate_id"))
    op.drop_table("person_merge")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_merged_into_id"))
        batch_op.drop_column("merged_into_id")
