"""an incident has a team; a case has its officers; an officer has an e-mail and a phone

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_member",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_incident_member_incident_id_incident"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_incident_member_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_member")),
        sa.UniqueConstraint(
            "incident_id", "user_id", name=op.f("uq_incident_member_incident_id_user_id")
        ),
    )
    with op.batch_alter_table("incident_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_member_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incident_member_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("second_officer_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_case_file_assigned_to_id"), ["assigned_to_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_second_officer_id"), ["second_officer_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_case_file_assigned_to_id_user_account"),
            "user_account",
            ["assigned_to_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_case_file_second_officer_id_user_account"),
            "user_account",
            ["second_officer_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email", sa.String(length=254), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("phone", sa.String(length=40), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("email")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_file_second_officer_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_case_file_assigned_to_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_case_file_second_officer_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_assigned_to_id"))
        batch_op.drop_column("second_officer_id")
        batch_op.drop_column("assigned_to_id")
    with op.batch_alter_table("incident_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_incident_member_incident_id"))
    op.drop_table("incident_member")
