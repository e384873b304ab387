"""deployments keep their worker as the employer named them, and may stay unlinked

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("family_name", sa.String(length=80)),
    ("given_name", sa.String(length=120)),
    ("family_name_hangul", sa.String(length=40)),
    ("given_name_hangul", sa.String(length=40)),
    ("sex", sa.String(length=1)),
    ("date_of_birth", sa.Date()),
    ("nationality", sa.String(length=3)),
    ("passport_number", sa.String(length=20)),
)


def upgrade() -> None:
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(f"worker_{name}", kind, nullable=True))
        batch_op.alter_column("person_id", existing_type=sa.String(length=36), nullable=True)
    # Deployments so far were linked to their person: their worker is that person.
    for name, _ in COLUMNS:
        op.execute(
            f"UPDATE deployment SET worker_{name} = "
            f"(SELECT person.{name} FROM person WHERE person.id = deployment.person_id)"
        )


def downgrade() -> None:
    # An unlinked deployment has no person to point at once the link is required again.
    op.execute("DELETE FROM deployment WHERE person_id IS NULL")
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.String(length=36), nullable=False)
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(f"worker_{name}")
