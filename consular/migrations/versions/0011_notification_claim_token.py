"""a message taken by a worker carries that worker's claim token

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A message left "sending" by a worker of the previous version has no token: it is
    # taken again once its lease has run out, like any message whose worker stopped.
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("claim_token")
