"""A real SMTP server and a real SMS provider webhook on loopback, and a case with contacts."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consular.cases.models import Case
from consular.db import unit_of_work
from consular.incidents.service import import_list
from consular.notifications.models import Notification
from consular.registry.models import EmergencyContact
from tests.conftest import World
from tests.factories import csv_table


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """What the SMTP server accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(  # type: ignore[arg-type]
            message_from_bytes(envelope.content, policy=policy.default)
        )
        return "250 OK"


class SlowRelay(Mailbox):
    """A relay that takes ``delay_s`` to accept each message (without blocking the others).

    With ``stages_s``, the first session is a congested one: MAIL and RCPT take
    ``stages_s`` each and DATA waits for a second session to begin (at most ``hold_s``),
    each step within the client's timeout, then it is refused (451). A later session is
    accepted a second after the first one had its answer.
    """

    def __init__(self, delay_s: float = 0.0, stages_s: float = 0.0, hold_s: float = 0.0) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.stages_s = stages_s
        self.hold_s = hold_s
        self.sessions: list[Any] = []
        self.first_answered = False

    def _first(self, session: Any) -> bool:
        if session not in self.sessions:
            self.sessions.append(session)
        return bool(self.stages_s) and self.sessions[0] is session

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self._first(session):
            await asyncio.sleep(self.stages_s)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self._first(session):
            await asyncio.sleep(self.stages_s)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def _until(self, done: Callable[[], bool], at_most_s: float) -> None:
        until = time.monotonic() + at_most_s
        while not done() and time.monotonic() < until:
            await asyncio.sleep(0.05)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._first(session):
            await self._until(lambda: len(self.sessions) > 1, self.hold_s)
            self.first_answered = True
            return "451 try again later"
        if self.stages_s:
            await self._until(lambda: self.first_answered, 30)
            await asyncio.sleep(1.0)
        await asyncio.sleep(self.delay_s)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def serving(mailbox: Mailbox) -> Iterator[int]:
    """An SMTP server on a loopback port handing what it accepts to ``mailbox``."""
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    mailbox = Mailbox()
    with serving(mailbox) as port:
        yield port, mailbox


@dataclass
class Provider:
    """An SMS provider: refuses the first ``fail_first`` requests, then delivers each
    Idempotency-Key once (a repeated key is acknowledged, not delivered again)."""

    fail_first: int = 0
    always_fail: bool = False
    delay_s: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    delivered: dict[str, dict[str, Any]] = field(default_factory=dict)
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.requests.append({"headers": headers, "body": body})
            count = len(self.requests)
            self.arrived.set()
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.always_fail or count <= self.fail_first:
            return 503
        with self.lock:
            key = headers["idempotency-key"]
            self.delivered.setdefault(key, json.loads(body))
        return 200


@pytest.fixture
def provider() -> Iterator[tuple[str, Provider]]:
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = state.answer({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms", state
    server.shutdown()
    server.server_close()


def case_with_contacts(factory: sessionmaker[Session], world: World) -> str:
    """LEE SEONGHO's case, his wife (Korean, e-mail and phone), his brother (English,
    e-mail only) and a cousin who asked for no messages."""
    with unit_of_work(factory) as db:
        import_list(
            db,
            world.officer,
            world.incident_id,
            "host_authority",
            csv_table(
                "full_name,date_of_birth,nationality,facility\n"
                '"LEE, SEONGHO",1988-03-14,KOR,Folkston ICE Processing Center\n'
            ),
        )
        case = db.scalars(select(Case)).one()
        db.add_all(
            [
                EmergencyContact(
                    person_id=case.person_id,
                    name="김미영",
                    relationship_to_person="wife",
                    phone="+82-10-5550-0101",
                    email="miyoung@example.org",
                    language="ko",
                ),
                EmergencyContact(
                    person_id=case.person_id,
                    name="Lee Seongjin",
                    relationship_to_person="brother",
                    email="seongjin@example.org",
                    language="en",
                ),
                EmergencyContact(
                    person_id=case.person_id,
                    name="Lee Hana",
                    relationship_to_person="cousin",
                    phone="+82-10-5550-0303",
                    email="hana@example.org",
                    opted_out=True,
                ),
            ]
        )
        return case.id


def due_messages(
    factory: sessionmaker[Session], case_id: str, count: int, *, channel: str, **values: str
) -> list[str]:
    """``count`` messages of the case due now over ``channel``, each to its own recipient
    (``values`` overrides columns of all of them); their ids, oldest first."""
    with unit_of_work(factory) as db:
        written = []
        for index in range(count):
            recipient = (
                f"family{index:03d}@example.org"
                if channel == "email"
                else f"+82-10-5550-{index:04d}"
            )
            notification = Notification(
                case_id=case_id,
                event="located",
                channel=channel,
                recipient=recipient,
                language="en",
                subject="news",
                body="located",
            )
            for name, value in values.items():
                setattr(notification, name, value)
            written.append(notification)
        db.add_all(written)
        db.flush()
        return [n.id for n in written]
