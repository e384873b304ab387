"""What the OpenAPI document says about refusals, and the bounded types the API reads.

Every refusal the API sends has one shape, :class:`ErrorRead`; ``answers(401, 404, …)``
gives a route's ``responses=`` the refusals it can give, each with that schema.

- 400 ``bad_request``: a body that cannot be parsed (broken JSON text, multipart).
- 401 ``unauthenticated``: no token, or a bad or revoked one.
- 404 ``not_found``: unknown, or not the caller's to see; the two look the same.
- 409 ``conflict``: a stale version, an illegal transition, a repeat.
- 413 ``too_large``: a body over ``CONSULAR_MAX_REQUEST_BYTES``, refused unread.
- 422 ``invalid_input``: a value that cannot be accepted, every problem listed.
- 503 ``busy``: the database was held by other work; nothing was saved; try again.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Annotated, Any

import pycountry
from fastapi import Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

__all__ = [
    "MAX_OFFSET",
    "MAX_PAGE",
    "CountryCode",
    "ErrorCode",
    "ErrorRead",
    "Language",
    "Offset",
    "answers",
]

# Paging stops here: far past any registry search or incident a post works with, and far
# below the 64-bit integers SQLite and PostgreSQL take for OFFSET.
MAX_OFFSET = 1_000_000
# The workspace's pages of cases: 20,000 pages of 50 reach the same million.
MAX_PAGE = 20_000


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    UNAUTHENTICATED = "unauthenticated"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    INVALID_INPUT = "invalid_input"
    BUSY = "busy"
    INTERNAL = "internal"


class FieldProblem(BaseModel):
    field: str = Field(description="Where: `query.offset`, `body.host_country`, a column…")
    message: str


class ErrorRead(BaseModel):
    """A refusal: a stable code, an English message, and the details the code carries."""

    # A refusal may carry more (an import's report, a case's state); clients ignore the rest.
    model_config = ConfigDict(extra="allow")

    error: str = Field(
        description="A stable code: one of ErrorCode for a request refused at the HTTP edge, "
        "else the rule's own, dotted (`case.stale_version`, `flight.seat_taken`)"
    )
    message: str = Field(description="What went wrong, in English")
    params: dict[str, Any] | None = Field(
        default=None, description="The values the message puts in (a case number, a state)"
    )
    fields: list[FieldProblem] | None = Field(
        default=None, description="422 for a request the API could not read: each bad value"
    )
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="422 for a file or a form: each problem by row and column"
    )
    allowed: list[str] | None = Field(
        default=None, description="409 for a transition: the states the case may move to"
    )
    current_version: int | None = Field(
        default=None, description="409 for a stale version: the record's version now"
    )
    report: dict[str, Any] | None = Field(
        default=None, description="409 or 422 for an import: the import's report"
    )


_MEANINGS = {
    400: "The body could not be parsed",
    401: "No API token, or a bad or revoked one",
    404: "Unknown, or not yours to see (the two look the same)",
    409: "A conflict: a stale version, a move the state does not allow, or a repeat",
    413: "The request is larger than CONSULAR_MAX_REQUEST_BYTES; it was not read",
    422: "A value that cannot be accepted; each problem is listed",
    503: "The database is busy with other work; nothing was saved; try again (Retry-After)",
}


def answers(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The refusals a route can give, for its ``responses=``, each in the one error schema."""
    return {code: {"model": ErrorRead, "description": _MEANINGS[code]} for code in codes}


# A route that reads the database and needs a token; a route with parameters or a body.
SIGNED_IN = (401, 503)
READS_INPUT = (422,)
TAKES_BODY = (400, 413, 422)


@cache
def _country_codes() -> tuple[str, ...]:
    return tuple(sorted(country.alpha_3 for country in pycountry.countries))


def _country(value: object) -> object:
    if not isinstance(value, str):
        return value  # the str type refuses it, saying so
    code = value.strip().upper()
    if code not in _country_codes():
        raise ValueError(f"unknown country code {value!r} (use ISO 3166 alpha-3, e.g. KOR, USA)")
    return code


# ISO 3166-1 alpha-3, read in any case ("usa" is USA); the document lists every code.
CountryCode = Annotated[
    str,
    BeforeValidator(_country),
    WithJsonSchema(
        {"type": "string", "enum": list(_country_codes()), "description": "ISO 3166-1 alpha-3"}
    ),
]


class Language(StrEnum):
    """The languages the rules give their reasons in (``consular.rules.LANGUAGES``)."""

    EN = "en"
    KO = "ko"


Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip, at most {MAX_OFFSET:,}")
]
