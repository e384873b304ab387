"""person name keys: spelling-insensitive keys that list imports find candidates by

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 04:35:24.103072
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000


def upgrade() -> None:
    key_table = op.create_table(
        "person_name_key",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_name_key_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "person_id", name=op.f("pk_person_name_key")),
    )
    with op.batch_alter_table("person_name_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_name_key_person_id"), ["person_id"], unique=False
        )
    _fill(key_table)


def _fill(key_table: sa.Table) -> None:
    """Give every person already stored the keys the import now writes."""
    from consular.registry.service import stored_name_keys

    person = sa.table(
        "person",
        sa.column("id", sa.String),
        sa.column("family_name", sa.String),
        sa.column("given_name", sa.String),
        sa.column("family_name_hangul", sa.String),
        sa.column("given_name_hangul", sa.String),
    )
    connection = op.get_bind()
    result = connection.execute(sa.select(person).order_by(person.c.id))
    while batch := result.fetchmany(_BATCH):
        rows = [
            {"key": key, "person_id": row.id}
            for row in batch
            for key in stored_name_keys(row._mapping)
        ]
        if rows:
            connection.execute(key_table.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table("person_name_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_name_key_person_id"))
    op.drop_table("person_name_key")
