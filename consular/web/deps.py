"""What every HTTP route shares: the unit of work and the caller, as typed dependencies."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from consular.auth.service import Actor, authenticate_token
from consular.db import reading_unit, unit_of_work
from consular.errors import Unauthenticated
from consular.exports import csv_text
from consular.i18n import N_

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_bearer = HTTPBearer(auto_error=False, description="API token from `consular token create`")


def _unit_of_work(request: Request) -> Iterator[Session]:
    # One transaction per request, committed after the route returns and before the
    # response is sent, so a client never sees success for a change that was not saved.
    factory = request.app.state.session_factory
    with unit_of_work(factory, write=request.method not in _SAFE_METHODS) as session:
        yield session


DB = Annotated[Session, Depends(_unit_of_work, scope="function")]


def _reading(request: Request) -> Iterator[Session]:
    # Long work (reconciling a list, screening a plan) reads in a transaction that takes no
    # write lock and is never committed; what it leads to is saved by ``write_unit`` in a
    # short transaction of its own, so sign-ins and status lookups never wait for it.
    with reading_unit(request.app.state.session_factory) as session:
        yield session


ReadDB = Annotated[Session, Depends(_reading, scope="function")]


def write_unit(request: Request) -> AbstractContextManager[Session]:
    """A short unit of work of its own, for a route that did its long work in ``ReadDB``."""
    return unit_of_work(request.app.state.session_factory)


def _current_actor(
    db: DB, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(
            "auth.token_missing", N_("An API token is required (Authorization: Bearer …).")
        )
    return authenticate_token(db, credentials.credentials)


CurrentActor = Annotated[Actor, Depends(_current_actor)]


def _reading_actor(
    db: ReadDB, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    return _current_actor(db, credentials)


# The caller of a route that reads in ``ReadDB``.
ReadingActor = Annotated[Actor, Depends(_reading_actor)]


# Characters no download name keeps: path separators, quotes, and control characters
# (a CR/LF would split the header).
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\"]+')
_NOT_PLAIN_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def _plain_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_PLAIN_ASCII.sub("_", decomposed).strip("_.-")


def attachment_headers(name: str) -> dict[str, str]:
    """``Content-Disposition`` for a download named ``name``, Hangul included (RFC 6266).

    Browsers read the UTF-8 ``filename*``; older clients fall back on the ASCII ``filename``,
    in which every other character is replaced by ``_``.
    """
    cleaned = _UNSAFE_IN_NAME.sub("_", name).strip(" ._") or "download"
    stem, dot, extension = cleaned.rpartition(".")
    if not dot:
        stem, extension = cleaned, ""
    fallback = _plain_ascii(stem) or "download"
    if _plain_ascii(extension):
        fallback += "." + _plain_ascii(extension)
    return {
        "Content-Disposition": (
            f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"
        )
    }


def download(content: bytes | str, name: str, media_type: str) -> Response:
    """A file for the browser to save as ``name``."""
    return Response(content, media_type=media_type, headers=attachment_headers(name))


def csv_download(rows: Iterable[Sequence[object]], name: str) -> Response:
    """Rows (the header first) as a neutralised CSV download (see ``consular.exports``)."""
    return download(csv_text(rows).encode(), name, "text/csv; charset=utf-8")
