"""The audit commands an operator types: the signing key, checkpoints, and their refusals."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from typer.testing import CliRunner

from consular.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_keygen_writes_an_owner_only_key_and_never_overwrites_it(tmp_path: Path) -> None:
    key = tmp_path / "audit-signing.key"
    code, out, _ = run("audit", "keygen", str(key))
    assert code == 0, out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key.read_bytes()
    assert b"PUBLIC KEY" in (tmp_path / "audit-signing.key.pub").read_bytes()
    assert "fingerprint: ed25519:" in out
    before = key.read_bytes()
    code, _, err = run("audit", "keygen", str(key))
    assert code == 2 and "exists already; it is not overwritten" in err
    assert key.read_bytes() == before


def test_a_checkpoint_to_standard_output_names_the_head_and_its_chain(
    db_url: str, tmp_path: Path
) -> None:
    key = tmp_path / "k"
    run("audit", "keygen", str(key))
    code, out, err = run("--db", db_url, "audit", "checkpoint", "--key", str(key))
    assert code == 0, err
    checkpoint = json.loads(out)
    assert checkpoint["format"] == "consular-audit-checkpoint/1"
    assert checkpoint["seq"] == 0 and checkpoint["event_at"] is None
    assert len(checkpoint["chain_id"]) == 36 and checkpoint["signature"]
    head = run("--db", db_url, "audit", "verify")[1]
    assert f"chain: {checkpoint['chain_id']}" in head


def test_a_key_others_can_read_is_refused(db_url: str, tmp_path: Path) -> None:
    key = tmp_path / "k"
    run("audit", "keygen", str(key))
    key.chmod(0o644)
    code, _, err = run("--db", db_url, "audit", "checkpoint", "--key", str(key))
    assert code == 2
    assert f"the signing key {key} can be read by others (mode 0o644): chmod 600 {key}" in err


def test_checkpoint_and_verify_without_a_key_say_how_to_give_one(
    db_url: str, tmp_path: Path
) -> None:
    code, _, err = run("--db", db_url, "audit", "checkpoint")
    assert code == 2 and "no key: give --key FILE, or set CONSULAR_AUDIT_SIGNING_KEY_FILE" in err
    key = tmp_path / "k"
    run("audit", "keygen", str(key))
    written = tmp_path / "one.json"
    assert run("--db", db_url, "audit", "checkpoint", "--key", str(key), "-o", str(written))[0] == 0
    code, _, err = run("--db", db_url, "audit", "verify", "--checkpoint", str(written))
    assert code == 2 and "no key: give --public-key KEY.pub" in err
    code, _, err = run("--db", db_url, "audit", "checkpoint", "--key", str(key), "-o", str(written))
    assert code == 2 and "exists already" in err


def test_a_file_that_is_not_a_checkpoint_is_named(db_url: str, tmp_path: Path) -> None:
    key = tmp_path / "k"
    run("audit", "keygen", str(key))
    pub = ["--public-key", f"{key}.pub"]
    garbage = tmp_path / "notes.json"
    garbage.write_text("row 12, hash ab")
    code, _, err = run("--db", db_url, "audit", "verify", "--checkpoint", str(garbage), *pub)
    assert code == 2 and f"{garbage}: not a checkpoint (not JSON" in err
    garbage.write_text(json.dumps({"format": "consular-audit-checkpoint/1", "seq": "12"}))
    code, _, err = run("--db", db_url, "audit", "verify", "--checkpoint", str(garbage), *pub)
    assert code == 2 and "field 'chain_id' missing or not a str" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run("--db", db_url, "audit", "verify", "--checkpoint", str(empty), *pub)
    assert code == 2 and f"no checkpoint (*.json) in the folder {empty}" in err
