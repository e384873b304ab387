"""deployments carry the screen's plan and verdict

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 18:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activity", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("stay_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "equipment_purchased_abroad",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "contract_requires_seller_service",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "specialized_knowledge", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("paid_by_us_source", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("hands_on", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "prior_us_refusal_or_violation",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "briefing_conceals_activity",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("passport_expires_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("screening_rules", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("screening_version", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("screened_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("registered_by", sa.String(length=120), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.drop_column("registered_by")
        batch_op.drop_column("screened_at")
        batch_op.drop_column("screening_version")
        batch_op.drop_column("screening_rules")
        batch_op.drop_column("passport_expires_on")
        batch_op.drop_column("briefing_conceals_activity")
        batch_op.drop_column("prior_us_refusal_or_violation")
        batch_op.drop_column("hands_on")
        batch_op.drop_column("paid_by_us_source")
        batch_op.drop_column("specialized_knowledge")
        batch_op.drop_column("contract_requires_seller_service")
        batch_op.drop_column("equipment_purchased_abroad")
        batch_op.drop_column("stay_days")
        batch_op.drop_column("activity")
