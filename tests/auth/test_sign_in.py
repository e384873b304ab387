"""Signing in tells nothing of which names exist, and nobody can lock an officer out from afar."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from consular.audit.models import AuditEvent
from consular.auth import service as auth_service
from consular.auth.models import User
from consular.cli.main import app as cli_app
from consular.config import Settings
from consular.errors import Unauthenticated
from tests.conftest import World
from tests.factories import user_with_token
from tests.web.client import PASSWORD, form_token, sign_in

ADDRESS_A = "192.0.2.10"
ADDRESS_B = "198.51.100.20"


class CountingHasher(PasswordHasher):
    """A real argon2 hasher that counts its verifications."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def counting_hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    hasher = CountingHasher()
    monkeypatch.setattr(auth_service, "_hasher", hasher)
    return hasher


def test_an_unknown_or_deactivated_name_costs_the_same_argon2_verification(
    db: Session, world: World, counting_hasher: CountingHasher
) -> None:
    with pytest.raises(Unauthenticated):
        auth_service.authenticate_password(db, "officer.kim", "wrong password")
    assert counting_hasher.verified == 1
    with pytest.raises(Unauthenticated):
        auth_service.authenticate_password(db, "nobody.here", "wrong password")
    assert counting_hasher.verified == 2  # as much work as for a real name
    db.execute(update(User).where(User.name == "officer.kim").values(active=False))
    with pytest.raises(Unauthenticated):
        auth_service.authenticate_password(db, "officer.kim", PASSWORD)
    assert counting_hasher.verified == 3


@pytest.fixture
def app(db_url: str, world: World) -> Iterator[FastAPI]:
    from consular.app import create_app

    app = create_app(
        Settings(database_url=db_url, sign_in_attempts=5, sign_in_attempts_per_client=8)
    )
    yield app
    app.state.engine.dispose()


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(
        app, base_url="https://testserver", follow_redirects=False, client=(address, 50000)
    )


def test_failures_at_one_address_never_lock_the_officer_out_at_another(
    app: FastAPI, factory: sessionmaker[Session]
) -> None:
    user_with_token(factory, "officer.lee", "officer")
    at_a, at_b = _from(app, ADDRESS_A), _from(app, ADDRESS_B)
    for _ in range(5):
        assert sign_in(at_a, "officer.kim", "wrong password").status_code == 401
    held = sign_in(at_a, "officer.kim")
    assert held.status_code == 429 and 0 < int(held.headers["retry-after"]) <= 15 * 60
    assert sign_in(_from(app, ADDRESS_B), "officer.kim").status_code == 303
    assert sign_in(at_b, "officer.kim").status_code == 303
    # Another name from address A still signs in, until A's own limit (8) is reached.
    assert sign_in(_from(app, ADDRESS_A), "officer.lee").status_code == 303
    for _ in range(3):
        assert sign_in(at_a, "nobody.here", "wrong password").status_code == 401
    assert sign_in(_from(app, ADDRESS_A), "officer.lee").status_code == 429
    assert sign_in(_from(app, ADDRESS_B), "officer.lee").status_code == 303
    with factory() as db:
        failed = db.scalars(select(AuditEvent).where(AuditEvent.tag == "auth:sign_in:failed"))
        assert [event.diff["client"] for event in failed] == [ADDRESS_A] * 8


def test_the_operator_unlocks_an_officer_from_the_command_line(
    app: FastAPI, db_url: str, factory: sessionmaker[Session]
) -> None:
    at_a = _from(app, ADDRESS_A)
    for _ in range(5):
        sign_in(at_a, "officer.kim", "wrong password")
    assert sign_in(at_a, "officer.kim").status_code == 429
    result = CliRunner().invoke(cli_app, ["--db", db_url, "user", "unlock", "officer.kim"])
    assert result.exit_code == 0, result.output
    assert "unlocked officer.kim: 5 failed sign-in(s) forgotten" in result.stdout
    assert sign_in(_from(app, ADDRESS_A), "officer.kim").status_code == 303
    unknown = CliRunner().invoke(cli_app, ["--db", db_url, "user", "unlock", "nobody.here"])
    assert unknown.exit_code == 1 and "user nobody.here not found" in unknown.stderr
    with factory() as db:
        unlock = db.scalar(select(AuditEvent).where(AuditEvent.tag == "auth:sign_in:unlock"))
    assert unlock is not None and unlock.actor.startswith("cli:")
    assert unlock.diff == {"name": "officer.kim", "failures_cleared": 5}


def test_a_supervisor_unlocks_an_officer_of_the_post_on_the_users_page(
    app: FastAPI, factory: sessionmaker[Session]
) -> None:
    user_with_token(factory, "supervisor.park", "supervisor")
    user_with_token(factory, "officer.lee", "officer")
    at_a = _from(app, ADDRESS_A)
    for _ in range(5):
        sign_in(at_a, "officer.kim", "wrong password")
    supervisor = _from(app, ADDRESS_B)
    assert sign_in(supervisor, "supervisor.park").status_code == 303
    page = supervisor.get("/admin/users", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    # Their own post's users only, and no user management.
    assert "officer.kim" in page.text and "officer.houston" not in page.text
    assert "New user" not in page.text and "/deactivate" not in page.text
    kim = re.search(r"<td>officer\.kim</td>.*?/admin/users/([^/]+)/unlock", page.text, re.S)
    assert kim and "/unlock" not in page.text.split("officer.lee")[1].split("</tr>")[0]
    unlocked = supervisor.post(
        f"/admin/users/{kim.group(1)}/unlock", data={"csrf_token": form_token(page.text)}
    )
    assert unlocked.status_code == 303
    assert sign_in(_from(app, ADDRESS_A), "officer.kim").status_code == 303
    with factory() as db:
        unlock = db.scalar(select(AuditEvent).where(AuditEvent.tag == "auth:sign_in:unlock"))
        houston_id = db.scalar(select(User.id).where(User.name == "officer.houston"))
    assert unlock is not None and unlock.actor == "supervisor.park"
    # Another post's officer is not theirs to unlock: not found, as if there were none.
    token = form_token(supervisor.get("/admin/users").text)
    other = supervisor.post(f"/admin/users/{houston_id}/unlock", data={"csrf_token": token})
    assert other.status_code == 404


def test_an_officer_cannot_unlock_anyone(app: FastAPI, factory: sessionmaker[Session]) -> None:
    officer = _from(app, ADDRESS_B)
    sign_in(officer, "officer.houston")
    assert officer.get("/admin/users").status_code == 404
    with factory() as db:
        kim_id = db.scalar(select(User.id).where(User.name == "officer.kim"))
    token = form_token(officer.get("/").text)
    refused = officer.post(f"/admin/users/{kim_id}/unlock", data={"csrf_token": token})
    assert refused.status_code == 404
