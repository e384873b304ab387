"""Signed checkpoints of the audit log's head, kept outside the database.

A checkpoint says "on this date the chain of this database had row N with hash H", signed
with an Ed25519 key that is not in the database. Whoever can rewrite the database but not
read the key cannot forge one, so a log cut back below a checkpoint, or rewritten before it,
no longer verifies. Checking needs only the public key (``KEY.pub``) and the files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.audit.models import AuditEvent, AuditHead
from consular.audit.service import AuditLogBroken, last_seq
from consular.db import utcnow

FORMAT = "consular-audit-checkpoint/1"
_HEX = frozenset("0123456789abcdef")


class CheckpointError(Exception):
    """A key or checkpoint file that cannot be used, named with what is wrong."""


# Keys


def generate_key(path: Path) -> str:
    """Write a new private key to ``path`` (owner-only) and its public key to ``path.pub``;
    returns the key's fingerprint. An existing file is never overwritten."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_new(path, private, 0o600)
    _write_new(public_key_path(path), public, 0o644)
    return fingerprint(key.public_key())


def public_key_path(private_path: Path) -> Path:
    return private_path.with_name(private_path.name + ".pub")


def _write_new(path: Path, content: bytes, mode: int) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise CheckpointError(f"{path} exists already; it is not overwritten") from None
    except OSError as exc:
        raise CheckpointError(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(descriptor, "wb") as out:
        out.write(content)


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The private key, refused when others than its owner may read it."""
    content = _read(path, "signing key")
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        mode = oct(stat.S_IMODE(path.stat().st_mode))
        raise CheckpointError(
            f"the signing key {path} can be read by others (mode {mode}): chmod 600 {path}"
        )
    try:
        key = serialization.load_pem_private_key(content, password=None)
    except (ValueError, TypeError):
        raise CheckpointError(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 key (make one: consular audit keygen)")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key file (``KEY.pub``); the private key file is accepted too."""
    content = _read(path, "public key")
    if b"PRIVATE KEY" in content:
        return load_signing_key(path).public_key()
    try:
        key = serialization.load_pem_public_key(content)
    except ValueError:
        raise CheckpointError(f"{path} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} is not an Ed25519 public key")
    return key


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"{what} file {path} not found") from None
    except OSError as exc:
        raise CheckpointError(f"cannot read the {what} file {path}: {exc.strerror}") from None


# Checkpoints


@dataclass(frozen=True)
class Checkpoint:
    chain_id: str
    seq: int
    hash: str
    event_at: str | None
    taken_at: str
    key: str
    signature: str = ""
    source: str = field(default="", compare=False)

    def signed_bytes(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k not in ("signature", "source")}
        body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        return f"{FORMAT}\n{body}".encode()

    def to_json(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k != "source"}
        return json.dumps({"format": FORMAT, **fields}, indent=2) + "\n"

    def file_name(self) -> str:
        taken = datetime.fromisoformat(self.taken_at).strftime("%Y%m%dT%H%M%SZ")
        return f"audit-checkpoint-{taken}-row{self.seq}.json"


def take_checkpoint(db: Session, key: Ed25519PrivateKey) -> Checkpoint:
    """Sign the current head, after checking it names the log's last row (two index reads)."""
    head = db.get(AuditHead, 1)
    if head is None:
        raise AuditLogBroken()
    event = db.get(AuditEvent, head.last_seq) if head.last_seq else None
    if last_seq(db) != head.last_seq or (event is not None and event.hash != head.last_hash):
        raise CheckpointError(
            f"the head (row {head.last_seq}) disagrees with the log's rows: "
            "run consular audit verify; no checkpoint was taken"
        )
    unsigned = Checkpoint(
        chain_id=head.chain_id,
        seq=head.last_seq,
        hash=head.last_hash,
        event_at=event.at.isoformat() if event is not None else None,
        taken_at=utcnow().isoformat(),
        key=fingerprint(key.public_key()),
    )
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


def read_checkpoints(paths: Iterable[Path]) -> list[Checkpoint]:
    """Every checkpoint in the files given, and in the ``*.json`` files of folders given."""
    checkpoints: dict[Path, Checkpoint] = {}
    for path in paths:
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        if not files:
            raise CheckpointError(f"no checkpoint (*.json) in the folder {path}")
        for file in files:
            if file.resolve() not in checkpoints:
                checkpoints[file.resolve()] = _parse(file, _read(file, "checkpoint"))
    return list(checkpoints.values())


def _parse(path: Path, content: bytes) -> Checkpoint:
    try:
        fields: Any = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path}: not a checkpoint (not JSON: {exc})") from None
    if not isinstance(fields, dict) or fields.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a checkpoint (format is not {FORMAT})")
    expected = {
        "chain_id": str,
        "seq": int,
        "hash": str,
        "taken_at": str,
        "key": str,
        "signature": str,
    }
    for name, kind in expected.items():
        if not isinstance(fields.get(name), kind) or isinstance(fields.get(name), bool):
            raise CheckpointError(f"{path}: field {name!r} missing or not a {kind.__name__}")
    if fields["seq"] < 0 or len(fields["hash"]) != 64 or not set(fields["hash"]) <= _HEX:
        raise CheckpointError(f"{path}: field 'seq' or 'hash' out of range")
    try:
        datetime.fromisoformat(fields["taken_at"])
    except ValueError:
        raise CheckpointError(f"{path}: field 'taken_at' is not an ISO time") from None
    event_at = fields.get("event_at")
    return Checkpoint(
        chain_id=fields["chain_id"],
        seq=fields["seq"],
        hash=fields["hash"],
        event_at=event_at if isinstance(event_at, str) else None,
        taken_at=fields["taken_at"],
        key=fields["key"],
        signature=fields["signature"],
        source=str(path),
    )


@dataclass
class CheckpointReport:
    problems: list[str]
    agreed: list[Checkpoint]


def compare_checkpoints(
    db: Session, checkpoints: list[Checkpoint], trusted: list[Ed25519PublicKey]
) -> CheckpointReport:
    """Check each checkpoint's signature against the trusted keys, then the log against it."""
    keys = {fingerprint(key): key for key in trusted}
    report = CheckpointReport(problems=[], agreed=[])
    signed = []
    for checkpoint in checkpoints:
        problem = _signature_problem(checkpoint, keys)
        if problem:
            report.problems.append(f"{checkpoint.source}: {problem}")
        else:
            signed.append(checkpoint)
    head = db.get(AuditHead, 1)
    stored = _stored_hashes(db, {c.seq for c in signed if c.seq})
    highest = last_seq(db)
    for checkpoint in sorted(signed, key=lambda c: (c.seq, c.taken_at)):
        problem = _log_problem(checkpoint, head, stored, highest)
        if problem:
            report.problems.append(f"{checkpoint.source}: {problem}")
        else:
            report.agreed.append(checkpoint)
    return report


def _signature_problem(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> str | None:
    key = keys.get(checkpoint.key)
    if key is None:
        return (
            f"signed by the key {checkpoint.key}, which is not a trusted key: "
            "forged, or signed by a key not given with --public-key"
        )
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return "the signature does not match the content: the checkpoint was forged or altered"
    return None


def _stored_hashes(db: Session, seqs: set[int], batch: int = 500) -> dict[int, str]:
    wanted = sorted(seqs)
    stored: dict[int, str] = {}
    for start in range(0, len(wanted), batch):
        rows = db.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(
                AuditEvent.seq.in_(wanted[start : start + batch])
            )
        )
        stored.update({seq: hash_ for seq, hash_ in rows})
    return stored


def _log_problem(
    checkpoint: Checkpoint, head: AuditHead | None, stored: dict[int, str], highest: int
) -> str | None:
    taken = f"the checkpoint of {checkpoint.taken_at}"
    if head is not None and head.chain_id != checkpoint.chain_id:
        return (
            f"from another database: {taken} names the chain {checkpoint.chain_id}, this "
            f"database's is {head.chain_id} (or this database's chain was replaced)"
        )
    if checkpoint.seq == 0:
        return None
    if checkpoint.seq not in stored and highest < checkpoint.seq:
        return f"the log was cut back from row {checkpoint.seq} ({taken}) to row {highest}"
    if checkpoint.seq not in stored:
        return f"row {checkpoint.seq} of {taken} is missing (deleted)"
    if stored[checkpoint.seq] != checkpoint.hash:
        return (
            f"row {checkpoint.seq} is not the row of {taken}: "
            "the log was rewritten at or before that row"
        )
    return None
