"""The audit log's commands: check the chain, and keep signed checkpoints of its head."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from consular.audit.checkpoints import (
    CheckpointError,
    compare_checkpoints,
    generate_key,
    load_public_key,
    load_signing_key,
    public_key_path,
    read_checkpoints,
    take_checkpoint,
)
from consular.audit.models import AuditHead
from consular.audit.service import read_one_moment, verify_chain
from consular.cli.context import command_unit, fail
from consular.config import get_settings

app = typer.Typer(no_args_is_help=True, help="The audit log.")

CheckpointOption = Annotated[
    list[Path] | None,
    typer.Option("--checkpoint", help="A checkpoint file, or a folder of them; repeat for several"),
]
PublicKeyOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--public-key",
        help="A trusted public key (KEY.pub); repeat for older keys. "
        "Default: the public half of CONSULAR_AUDIT_SIGNING_KEY_FILE",
    ),
]


@app.command("verify")
def verify(checkpoint: CheckpointOption = None, public_key: PublicKeyOption = None) -> None:
    """Check the hash chain of the audit log, and that it still holds every signed
    checkpoint given; exit 1 naming each problem."""
    try:
        checkpoints = read_checkpoints(checkpoint or [])
        trusted = _trusted_keys(public_key or []) if checkpoints else []
    except CheckpointError as exc:
        fail(str(exc), 2)
    with command_unit(write=False) as db:
        read_one_moment(db)
        count, problem = verify_chain(db)
        head = db.get(AuditHead, 1)
        report = compare_checkpoints(db, checkpoints, trusted) if checkpoints else None
    problems = [f"checkpoint {line}" for line in (report.problems if report else [])]
    if problem is not None:
        where = f" at row {problem.seq}" if problem.seq is not None else ""
        intact = f"{count} rows before it are intact" if where else f"rows checked: {count}"
        problems.insert(0, f"audit log broken{where}: {problem.reason} ({intact})")
    for line in problems:
        typer.echo(f"error: {line}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {count} rows" + ("" if count else " (nothing recorded yet)"))
    if report is not None:
        newest = max(report.agreed, key=lambda c: (c.seq, c.taken_at))
        typer.echo(
            f"checkpoints: {len(report.agreed)} signed, all held; the newest at row "
            f"{newest.seq}, taken {newest.taken_at}"
        )
    if head is not None:
        typer.echo(f"chain: {head.chain_id}")
        typer.echo(f"head: row {head.last_seq}, hash {head.last_hash}")


def _trusted_keys(paths: list[Path]) -> list[Ed25519PublicKey]:
    if paths:
        return [load_public_key(path) for path in paths]
    return [load_public_key(_signing_key_file(None, "--public-key KEY.pub"))]


def _signing_key_file(given: Path | None, option: str = "--key FILE") -> Path:
    configured = get_settings().audit_signing_key_file
    if given is None and not configured:
        raise CheckpointError(
            f"no key: give {option}, or set CONSULAR_AUDIT_SIGNING_KEY_FILE "
            "(make one with: consular audit keygen FILE)"
        )
    return given or Path(configured)


KeyOption = Annotated[
    Path | None,
    typer.Option("--key", help="The private key (default: CONSULAR_AUDIT_SIGNING_KEY_FILE)"),
]


@app.command("checkpoint")
def checkpoint(
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="File, or folder to put it in (default: standard output)"
        ),
    ] = None,
    key: KeyOption = None,
) -> None:
    """Sign the log's head (row, hash, time, this database's chain) with the key that is not
    in the database; keep the file elsewhere, and give it to `audit verify --checkpoint`."""
    try:
        signing_key = load_signing_key(_signing_key_file(key))
        with command_unit(write=False) as db:
            read_one_moment(db)
            taken = take_checkpoint(db, signing_key)
        if output is None:
            sys.stdout.write(taken.to_json())
            return
        target = output / taken.file_name() if output.is_dir() else output
        with target.open("x", encoding="utf-8") as out:
            out.write(taken.to_json())
    except CheckpointError as exc:
        fail(str(exc), 2)
    except FileExistsError:
        fail(f"{target} exists already; it is not overwritten", 2)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", 2)
    typer.echo(f"checkpoint of row {taken.seq} (hash {taken.hash}) written to {target}")


@app.command("keygen")
def keygen(
    path: Annotated[
        Path | None,
        typer.Argument(help="The private key file (default: CONSULAR_AUDIT_SIGNING_KEY_FILE)"),
    ] = None,
) -> None:
    """Make the Ed25519 key that signs checkpoints: FILE, readable by its owner only, and
    FILE.pub, which is all that verifying needs."""
    try:
        target = _signing_key_file(path, "the file")
        fingerprint = generate_key(target)
    except CheckpointError as exc:
        fail(str(exc), 2)
    typer.echo(f"signing key: {target} (readable by its owner only; keep it off backups)")
    typer.echo(f"public key: {public_key_path(target)}")
    typer.echo(f"fingerprint: {fingerprint}")
