"""The data key's commands: make a key file, see what the database needs, rotate, retire."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.service import Actor
from consular.cli.context import command_unit, fail, state
from consular.keys.models import INDEX_KEY_ID
from consular.keys.service import (
    Progress,
    RecordedKey,
    add_current_key,
    count_under,
    key_problem,
    recorded_keys,
    reseal_all,
    retire,
)
from consular.sealing import (
    KeyProblem,
    KeySource,
    key_source,
    new_key_ring,
    write_key_file,
)

app = typer.Typer(no_args_is_help=True, help="The data key that seals identifiers.")


@app.command("generate")
def generate(
    file: Annotated[Path, typer.Option("--file", help="Where to write the new key file")],
) -> None:
    """Write a new key file (mode 600) for a new database; never overwrites one."""
    if file.exists():
        fail(f"{file} exists: a key file is never overwritten (a lost key loses the data)")
    try:
        write_key_file(file, new_key_ring())
    except OSError as exc:
        fail(f"cannot write {file}: {exc.strerror or exc}")
    typer.echo(f"wrote a new data key to {file} (readable by its owner only)")
    typer.echo(f"  use it: CONSULAR_DATA_KEY_FILE={file.resolve()}")
    typer.echo("  keep a copy off this server, apart from the backups: without it they are useless")


@app.command("status")
def status() -> None:
    """The keys on record in the database, how many values each seals, and whether the
    configured key file holds them."""
    state.check_keys = False
    engine = state.engine
    source = key_source()
    with command_unit(write=False) as db:
        conn = db.connection()
        problem = key_problem(conn, source) if source.configured else "no data key configured"
        keys = recorded_keys(conn)
        counts = {key.id: count_under(conn, key.id) for key in keys if key.purpose == "data"}
    typer.echo(f"database: {engine.url.render_as_string(hide_password=True)}")
    typer.echo(f"keys from: {_where(source)}")
    for key in keys:
        marks = [m for m, on in (("current", key.current), ("retired", key.retired)) if on]
        sealed = f"{counts[key.id]:,} values" if key.id in counts else "blind indexes"
        typer.echo(
            f"  {key.id:<8} {key.purpose:<6} {key.fingerprint[:12]}  {sealed}"
            + (f"  ({', '.join(marks)})" if marks else "")
        )
    if not keys:
        typer.echo("  no key on record yet (the first start with a key records it)")
    if problem:
        fail(problem)
    typer.echo("the configured keys open this database")


def _where(source: KeySource) -> str:
    if source.path is not None:
        return f"CONSULAR_DATA_KEY_FILE ({source.path})"
    return "CONSULAR_DATA_KEY" if source.inline else "nowhere"


def _key_file(source: KeySource, action: str) -> Path:
    if source.path is None:
        fail(
            f"{action} rewrites the key file: set CONSULAR_DATA_KEY_FILE (CONSULAR_DATA_KEY "
            "alone cannot be rewritten)",
            2,
        )
    return source.path


@app.command("rotate")
def rotate(
    batch: Annotated[int, typer.Option(help="Rows sealed again per transaction", min=1)] = 1000,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish an interrupted rotation: no new key")
    ] = False,
) -> None:
    """Add a new current key to the key file and seal every value again under it, in short
    transactions while the system runs; stopped, it resumes with --resume."""
    state.engine  # noqa: B018  (checks the configured keys against the database)
    source = key_source()
    path = _key_file(source, "rotation")
    if not resume:
        _add_key(source, path)
    current = source.ring(reload=True).current
    typer.echo(f"sealing every value again under key {current}, {batch} rows at a time")
    try:
        resealed = reseal_all(state.factory, source.ring, batch=batch, progress=_report_progress)
    except KeyProblem as exc:
        fail(str(exc))
    older, left = _record_reseal(current, resealed)
    typer.echo(f"{resealed:,} values sealed again under {current}")
    if left:
        fail(
            f"{left:,} values are still under older keys (written during the "
            "rotation): run `consular keys rotate --resume`"
        )
    for key_id in older:
        typer.echo(f"key {key_id} seals nothing any more: `consular keys retire {key_id}`")


def _add_key(source: KeySource, path: Path) -> None:
    """A new current key in the key file, and on record."""
    with command_unit() as db:
        ring = source.ring(reload=True)
        rotated = add_current_key(db.connection(), ring)
        # Before the commit: a key file that cannot be written leaves nothing on record.
        write_key_file(path, rotated)
        audit.record(
            db,
            actor=Actor.operator().name,
            tag=AuditTag.DATA_KEY_ROTATE,
            target_type="data_key",
            target_id=rotated.current,
            diff={"from": ring.current, "to": rotated.current},
        )


def _report_progress(step: Progress) -> None:
    typer.echo(
        f"  {step.table}: {step.scanned:,} of {step.total:,} rows, "
        f"{step.resealed:,} values sealed again"
    )


def _record_reseal(current: str, resealed: int) -> tuple[list[str], int]:
    """Put the sealing again on record; returns the older keys it was meant to empty, and
    how many values are still under them."""
    with command_unit() as db:
        older = [k.id for k in recorded_keys(db.connection()) if _retirable(k, current)]
        left = sum(count_under(db.connection(), key_id) for key_id in older)
        audit.record(
            db,
            actor=Actor.operator().name,
            tag=AuditTag.DATA_KEY_RESEAL,
            target_type="data_key",
            target_id=current,
            diff={"resealed": resealed, "left_under_older_keys": left},
        )
    return older, left


def _retirable(key: RecordedKey, current: str) -> bool:
    return key.purpose == "data" and key.id != current and not key.retired


@app.command("retire")
def retire_key(key_id: Annotated[str, typer.Argument(help="The old key's id, e.g. k1")]) -> None:
    """Remove an old key that seals nothing any more from the key file and the record."""
    state.engine  # noqa: B018  (checks the configured keys against the database)
    source = key_source()
    path = _key_file(source, "retiring a key")
    with command_unit() as db:
        conn = db.connection()
        ring = source.ring(reload=True)
        key = next((k for k in recorded_keys(conn) if k.id == key_id), None)
        if key is None or key.purpose != "data" or key_id == INDEX_KEY_ID:
            fail(f"no data key {key_id!r} on record")
        if key.current or key_id == ring.current:
            fail(f"{key_id} is the current key: rotate to a new one first")
        left = count_under(conn, key_id)
        if left:
            fail(
                f"{left:,} values are still sealed under {key_id}: run "
                "`consular keys rotate --resume` first"
            )
        retire(conn, key_id)
        audit.record(
            db,
            actor=Actor.operator().name,
            tag=AuditTag.DATA_KEY_RETIRE,
            target_type="data_key",
            target_id=key_id,
            diff={"fingerprint": key.fingerprint},
        )
        kept = {k: v for k, v in ring.keys.items() if k != key_id}
        if key_id in ring.keys:
            write_key_file(path, ring.with_keys(kept, ring.current))
    typer.echo(f"retired key {key_id}; the key file keeps {', '.join(sorted(kept))}")
