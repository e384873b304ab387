"""the audit log is append-only: its head always exists, names its chain, moves forward only

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:10:00.000000
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64

# The names are checked by `consular audit verify` (consular/audit/guards.py): keep them equal.
SQLITE_TRIGGERS = {
    "audit_event_no_update": "BEFORE UPDATE ON audit_event BEGIN"
    " SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END",
    "audit_event_no_delete": "BEFORE DELETE ON audit_event BEGIN"
    " SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END",
    "audit_head_no_delete": "BEFORE DELETE ON audit_head BEGIN"
    " SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END",
    "audit_head_forward_only": "BEFORE UPDATE ON audit_head"
    " WHEN NEW.id IS NOT OLD.id OR NEW.chain_id IS NOT OLD.chain_id"
    " OR NEW.last_seq <= OLD.last_seq BEGIN"
    " SELECT RAISE(ABORT, 'audit_head moves forward only'); END",
}

POSTGRESQL_FUNCTIONS = {
    "audit_refuse_change": """
        BEGIN
            RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END
    """,
    "audit_head_forward_only": """
        BEGIN
            IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.chain_id = OLD.chain_id
                    AND NEW.last_seq > OLD.last_seq THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'audit_head moves forward only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
    """,
}

POSTGRESQL_TRIGGERS = {
    "audit_event_append_only": "BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW"
    " EXECUTE FUNCTION audit_refuse_change()",
    "audit_event_no_truncate": "BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT"
    " EXECUTE FUNCTION audit_refuse_change()",
    "audit_head_forward_only": "BEFORE UPDATE OR DELETE ON audit_head FOR EACH ROW"
    " EXECUTE FUNCTION audit_head_forward_only()",
    "audit_head_no_truncate": "BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT"
    " EXECUTE FUNCTION audit_refuse_change()",
}


def upgrade() -> None:
    op.add_column("audit_head", sa.Column("chain_id", sa.String(length=36), nullable=True))
    op.execute(sa.text("UPDATE audit_head SET chain_id = :chain").bindparams(chain=_chain_id()))
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.alter_column("chain_id", existing_type=sa.String(length=36), nullable=False)
    # The head is made now, not by the first event: from here on, no head means deleted.
    op.execute(
        sa.text(
            "INSERT INTO audit_head (id, last_seq, last_hash, chain_id)"
            " SELECT 1, 0, :genesis, :chain"
            " WHERE NOT EXISTS (SELECT 1 FROM audit_head)"
            " AND NOT EXISTS (SELECT 1 FROM audit_event)"
        ).bindparams(genesis=GENESIS, chain=_chain_id())
    )
    if op.get_bind().dialect.name == "postgresql":
        for name, body in POSTGRESQL_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$")
        for name, definition in POSTGRESQL_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in POSTGRESQL_TRIGGERS:
            table = "audit_event" if name.startswith("audit_event") else "audit_head"
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in POSTGRESQL_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("chain_id")


def _chain_id() -> str:
    return str(uuid.uuid4())
