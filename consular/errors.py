"""The domain errors. Each knows the HTTP status it maps to; the API and CLI render them.

- ``NotFound`` (404): unknown record, or one the caller may not see. Both look the same.
- ``Conflict`` (409): an illegal state transition, a stale version, a duplicate.
- ``InvalidInput`` (422): input that cannot be accepted, with every problem listed.
- ``Unauthenticated`` (401): no or bad credentials.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} not found" if ident else f"{what} not found")


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidInput(DomainError):
    status_code = 422
    code = "invalid_input"


class Unauthenticated(DomainError):
    status_code = 401
    code = "unauthenticated"


class Throttled(Exception):
    """Too many failed attempts lately (sign-ins, status lookups): wait, then try again."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s
