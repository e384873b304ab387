"""an incident is closed with a note, by someone, at a time

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("closing_note", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("closing_note")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("closed_at")
