"""What the database itself holds that the audit log must agree with: the triggers that make
it append-only (migration 0010) and the records that cannot exist without audit events."""

from __future__ import annotations

from sqlalchemy import func, select, table, text
from sqlalchemy.orm import Session

# The triggers of migration 0010, by dialect (the migration keeps its own copy of the SQL).
GUARD_TRIGGERS = {
    "sqlite": (
        "audit_event_no_update",
        "audit_event_no_delete",
        "audit_head_no_delete",
        "audit_head_forward_only",
    ),
    "postgresql": (
        "audit_event_append_only",
        "audit_event_no_truncate",
        "audit_head_forward_only",
        "audit_head_no_truncate",
    ),
}

# Rows of these tables are only ever made by audited changes: if any exists, so did events.
AUDITED_TABLES = {
    "post": "posts",
    "user_account": "users",
    "person": "persons",
    "incident": "incidents",
    "case_file": "cases",
}

_SQLITE_TRIGGERS = text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
# tgenabled 'D': ALTER TABLE ... DISABLE TRIGGER; such a trigger guards nothing.
_POSTGRESQL_TRIGGERS = text(
    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
    " AND tgrelid IN ('audit_event'::regclass, 'audit_head'::regclass)"
)


def missing_guards(db: Session) -> list[str]:
    """The append-only triggers that are gone or disabled (an owner of the tables lifted them)."""
    dialect = db.get_bind().dialect.name
    expected = GUARD_TRIGGERS.get(dialect)
    if expected is None:
        return []
    query = _POSTGRESQL_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS
    present = set(db.scalars(query))
    return [name for name in expected if name not in present]


def audited_records(db: Session) -> dict[str, int]:
    """How many rows each audited table holds, for the tables that hold any."""
    counts = {
        label: db.scalar(select(func.count()).select_from(table(name))) or 0
        for name, label in AUDITED_TABLES.items()
    }
    return {label: count for label, count in counts.items() if count}
