"""identifiers sealed at rest: passport numbers, A-numbers, phones, e-mails, uploaded rows

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 19:00:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from consular.sealing import KeyProblem, KeyRing, is_sealed, key_source

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2000

# table, column, its type before, whether it holds JSON, its blind index (column, kind).
SEALED = (
    ("person", "passport_number", sa.String(length=20), False, ("passport_index", "passport")),
    ("person", "phone", sa.String(length=40), False, None),
    ("person", "email", sa.String(length=200), False, None),
    ("emergency_contact", "phone", sa.String(length=40), False, None),
    ("emergency_contact", "email", sa.String(length=200), False, None),
    (
        "deployment",
        "worker_passport_number",
        sa.String(length=20),
        False,
        ("worker_passport_index", "passport"),
    ),
    ("source_list", "errors", sa.JSON(), True, None),
    ("source_record", "raw", sa.JSON(), True, None),
    (
        "source_record",
        "passport_number",
        sa.String(length=20),
        False,
        ("passport_index", "passport"),
    ),
    (
        "source_record",
        "host_identifier",
        sa.String(length=40),
        False,
        ("host_identifier_index", "identifier"),
    ),
    ("source_record", "candidates", sa.JSON(), True, None),
    (
        "case_file",
        "host_identifier",
        sa.String(length=40),
        False,
        ("host_identifier_index", "identifier"),
    ),
    ("import_draft", "rows", sa.JSON(), True, None),
    ("import_draft", "corrections", sa.JSON(), True, None),
    ("import_draft", "links", sa.JSON(), True, None),
    ("notification", "recipient", sa.String(length=200), False, None),
)


def _tables() -> dict[str, list[tuple[str, sa.types.TypeEngine, bool, tuple[str, str] | None]]]:
    tables: dict[str, list] = {}
    for table, column, kind, is_json, index in SEALED:
        tables.setdefault(table, []).append((column, kind, is_json, index))
    return tables


def _has_rows(conn: sa.Connection) -> bool:
    return any(
        conn.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in _tables()
    )


def _ring(conn: sa.Connection) -> KeyRing | None:
    source = key_source()
    if not source.configured:
        if _has_rows(conn):
            raise KeyProblem(
                "this database holds identifiers to seal and no data key is set: make one "
                "with `consular keys generate --file PATH`, set CONSULAR_DATA_KEY_FILE to it "
                "and run `consular db upgrade` again"
            )
        return None  # nothing to seal: the first start with a key puts it on record
    return source.ring(reload=True)


def _text(value, is_json: bool) -> str:
    # PostgreSQL's driver reads a json column as Python values, SQLite's as text.
    if is_json and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _rewrite(conn: sa.Connection, table: str, columns, change) -> None:
    """Each row's values through ``change(column, value)``, in batches by primary key."""
    names = [column for column, *_ in columns]
    extra = [index[0] for *_, index in columns if index]
    raw = sa.table(table, sa.column("id"), *(sa.column(n) for n in names + extra))
    last = ""
    while True:
        rows = conn.execute(
            sa.select(raw.c.id, *(raw.c[n] for n in names))
            .where(raw.c.id > last)
            .order_by(raw.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        by_columns: dict[tuple[str, ...], list[dict]] = {}
        for row in rows:
            values = change(row._mapping, columns)
            if values:
                update = {"row_id": row.id, **values}
                by_columns.setdefault(tuple(sorted(values)), []).append(update)
        for updates in by_columns.values():
            conn.execute(sa.update(raw).where(raw.c.id == sa.bindparam("row_id")), updates)
        last = rows[-1].id


def upgrade() -> None:
    conn = op.get_bind()
    postgresql = conn.dialect.name == "postgresql"
    op.create_table(
        "data_key",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_key")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_passport_number"))
    for table, columns in _tables().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _, _, _, index in columns:
                if index:
                    batch_op.add_column(sa.Column(index[0], sa.String(length=32), nullable=True))
                    batch_op.create_index(batch_op.f(f"ix_{table}_{index[0]}"), [index[0]])
        if postgresql:
            # SQLite stores any text in any column; PostgreSQL needs room for the ciphertext.
            for column, _, _, _ in columns:
                op.alter_column(table, column, type_=sa.Text(), postgresql_using=f"{column}::text")
    ring = _ring(conn)
    if ring is None:
        return
    from consular.keys.service import record_ring

    record_ring(conn, ring)
    for table, columns in _tables().items():
        _rewrite(conn, table, columns, _table_sealer(ring, table))


def _table_sealer(ring: KeyRing, table: str):
    def change(row, columns) -> dict:
        values: dict = {}
        for column, _, is_json, index in columns:
            value = row[column]
            if value is None or is_sealed(value):
                continue
            text = _text(value, is_json)
            values[column] = ring.seal(text, f"{table}.{column}")
            if index:
                values[index[0]] = ring.blind(index[1], text)
        return values

    return change


def _table_opener(ring: KeyRing, table: str):
    def change(row, columns) -> dict:
        return {
            column: ring.open(row[column], f"{table}.{column}")
            for column, *_ in columns
            if is_sealed(row[column])
        }

    return change


def downgrade() -> None:
    conn = op.get_bind()
    postgresql = conn.dialect.name == "postgresql"
    has_keys = conn.execute(sa.text("SELECT 1 FROM data_key LIMIT 1")).first() is not None
    if has_keys or key_source().configured:
        ring = key_source().ring(reload=True)
        for table, columns in _tables().items():
            _rewrite(conn, table, columns, _table_opener(ring, table))
    for table, columns in _tables().items():
        if postgresql:
            for column, kind, is_json, _ in columns:
                cast = "json" if is_json else f"varchar({getattr(kind, 'length', '')})"
                op.alter_column(
                    table,
                    column,
                    type_=kind,
                    existing_type=sa.Text(),
                    postgresql_using=f"{column}::{cast}",
                )
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _, _, _, index in reversed(columns):
                if index:
                    batch_op.drop_index(batch_op.f(f"ix_{table}_{index[0]}"))
                    batch_op.drop_column(index[0])
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_passport_number"), ["passport_number"], unique=False
        )
    op.drop_table("data_key")
