"""facilities: a post's directory of detention facilities; a detainee's wishes on who is told

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facility",
        sa.Column("post_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("visiting_hours", sa.Text(), nullable=False),
        sa.Column("field_office", sa.String(length=200), nullable=False),
        sa.Column("field_office_phone", sa.String(length=20), nullable=False),
        sa.Column("field_office_email", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_facility_post_id_post")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility")),
        sa.UniqueConstraint("post_id", "name", name=op.f("uq_facility_post_id_name")),
    )
    with op.batch_alter_table("facility", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facility_post_id"), ["post_id"], unique=False)
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facility_id", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column(
                "family_notice", sa.String(length=8), server_default="unknown", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "employer_notice", sa.String(length=8), server_default="unknown", nullable=False
            )
        )
        batch_op.create_index(batch_op.f("ix_case_file_facility_id"), ["facility_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_case_file_facility_id_facility"),
            "facility",
            ["facility_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("custody_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facility_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_custody_event_facility_id"), ["facility_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_custody_event_facility_id_facility"),
            "facility",
            ["facility_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("custody_event", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_custody_event_facility_id_facility"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_custody_event_facility_id"))
        batch_op.drop_column("facility_id")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_file_facility_id_facility"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_case_file_facility_id"))
        batch_op.drop_column("employer_notice")
        batch_op.drop_column("family_notice")
        batch_op.drop_column("facility_id")
    with op.batch_alter_table("facility", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_post_id"))
    op.drop_table("facility")
