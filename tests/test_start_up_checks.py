"""Start-up refuses settings that would expose people (outside the demo), and the SQLite
file is its owner's alone."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from consular.cli.main import app as cli_app
from consular.config import Settings, UnsafeSettings, get_settings, unsafe_settings
from consular.db import make_engine
from tests.cli.test_serve import free_port

SAFE = Settings(database_url="sqlite://")


def test_the_default_settings_are_fit_to_serve() -> None:
    assert unsafe_settings(SAFE) == []
    # Plain HTTP cookies on loopback (a laptop, the demo) are not a reason to refuse.
    assert unsafe_settings(SAFE.model_copy(update={"secure_cookies": False})) == []


@pytest.mark.parametrize(
    ("changes", "host", "named"),
    [
        ({"sms_webhook_url": "https://sms.example/send"}, None, "CONSULAR_SMS_WEBHOOK_SECRET"),
        (
            {"sms_webhook_url": "http://sms.example/send", "sms_webhook_secret": "s3cret"},
            None,
            "CONSULAR_SMS_WEBHOOK_URL is plain http",
        ),
        ({"smtp_host": "mail.example", "smtp_user": "consul"}, None, "CONSULAR_SMTP_PASSWORD"),
        (
            {
                "smtp_host": "mail.example",
                "smtp_user": "c",
                "smtp_password": "p",
                "smtp_tls": "none",
            },
            None,
            "CONSULAR_SMTP_TLS",
        ),
        ({"secure_cookies": False}, "0.0.0.0", "CONSULAR_SECURE_COOKIES"),
        ({"secure_cookies": False, "host": "10.0.0.5"}, None, "CONSULAR_SECURE_COOKIES"),
    ],
)
def test_each_unsafe_setting_is_named(
    changes: dict[str, object], host: str | None, named: str
) -> None:
    problems = unsafe_settings(SAFE.model_copy(update=changes), host)
    assert len(problems) == 1 and named in problems[0]


def test_create_app_refuses_an_empty_sms_secret_but_the_demo_starts(tmp_path: Path) -> None:
    from consular.app import create_app

    url = f"sqlite:///{tmp_path / 'app.db'}"
    settings = Settings(database_url=url, sms_webhook_url="https://sms.example/send")
    with pytest.raises(UnsafeSettings, match="CONSULAR_SMS_WEBHOOK_SECRET is empty"):
        create_app(settings)
    demo = create_app(settings, check_settings=False)  # what `consular demo` serves
    demo.state.engine.dispose()


@pytest.fixture
def unsafe_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CONSULAR_SMS_WEBHOOK_URL", "https://sms.example/send")
    monkeypatch.setenv("CONSULAR_SMS_WEBHOOK_SECRET", "")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_worker_refuses_to_start_with_an_empty_sms_secret(
    unsafe_environment: None, db_url: str
) -> None:
    result = CliRunner().invoke(cli_app, ["--db", db_url, "worker", "--once"])
    assert result.exit_code == 2
    assert "refusing to start: CONSULAR_SMS_WEBHOOK_SECRET is empty" in result.stderr


def test_the_worker_refuses_a_lease_shorter_than_two_timeouts(
    monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    monkeypatch.setenv("CONSULAR_NOTIFY_LEASE_SECONDS", "15")
    monkeypatch.setenv("CONSULAR_NOTIFY_TIMEOUT_SECONDS", "10")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["--db", db_url, "worker", "--once"])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: invalid setting: CONSULAR_NOTIFY_LEASE_SECONDS (15) must be at least twice "
        "CONSULAR_NOTIFY_TIMEOUT_SECONDS (10)"
    )


def test_serve_refuses_plain_http_cookies_on_an_open_address(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    command = [sys.executable, "-m", "consular.cli", "--db", url, "serve"]
    environment = {**os.environ, "CONSULAR_SECURE_COOKIES": "false"}
    refused = subprocess.run(
        [*command, "--host", "0.0.0.0", "--port", str(free_port())],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2, refused.stderr
    assert "CONSULAR_SECURE_COOKIES is false while the server listens on 0.0.0.0" in refused.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "private.db"
    previous = os.umask(0)  # even with a umask that lets everyone read
    try:
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE person (name TEXT)"))
            conn.execute(text("INSERT INTO person VALUES ('LEE SEONGHO')"))
            files = {p.name: _mode(p) for p in tmp_path.iterdir()}
        engine.dispose()
    finally:
        os.umask(previous)
    assert files == {"private.db": 0o600, "private.db-wal": 0o600, "private.db-shm": 0o600}


def test_db_upgrade_creates_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    result = CliRunner().invoke(cli_app, ["--db", f"sqlite:///{path}", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _mode(path) == 0o600
