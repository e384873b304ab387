"""The domain errors. Each knows the HTTP status it maps to; pages, the API and CLI render them.

- ``NotFound`` (404): unknown record, or one the caller may not see. Both look the same.
- ``Conflict`` (409): an illegal state transition, a stale version, a duplicate.
- ``InvalidInput`` (422): input that cannot be accepted, with every problem listed.
- ``Unauthenticated`` (401): no or bad credentials.

An error is raised where its rule lives, with a stable code, a translatable English
template and the template's values::

    raise Conflict("case.bad_transition",
                   N_("A case in state %(state)s cannot move to %(to)s."),
                   state=state_term(case.state), to=state_term(to))

A page shows ``error.message`` in the reader's language (``consular.i18n.message.shown``);
the API answers ``{"error": code, "message": English, "params": {...}}``; the command line
prints the message in English, or in Korean with ``--lang ko``. What a machine needs beyond
the sentence (the allowed values, an import's report) travels in ``details``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from consular.i18n import N_
from consular.i18n.message import Message


class DomainError(Exception):
    status_code = 400
    code = "error"

    def __init__(
        self,
        code: str | Message,
        template: str | None = None,
        /,
        *,
        details: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        if isinstance(code, Message):
            # A message said by a lower layer (a file that cannot be read), refused as it is.
            self.message = code
            self.details: dict[str, Any] = dict(details or {})
        elif template is None:
            # A sentence without a code of its own: the class's code, the sentence as said,
            # and the keywords are details (the form kept while every raise names its code).
            self.message = Message(type(self).code, code)
            self.details = {**params, **(details or {})}
        else:
            self.message = Message(code, template, **params)
            self.details = dict(details or {})
        self.code = self.message.code
        super().__init__(str(self.message))

    @property
    def params(self) -> dict[str, Any]:
        return self.message.plain_params()

    def to_dict(self) -> dict[str, Any]:
        return {
            **_plain(self.message),
            **{name: _for_machine(value) for name, value in self.details.items()},
        }


def _plain(message: Message) -> dict[str, Any]:
    return {"error": message.code, "message": str(message), "params": message.plain_params()}


def _for_machine(value: Any) -> Any:
    # A message among the details (each problem of a flight not ready) as the error itself is.
    if isinstance(value, Message):
        return _plain(value)
    if isinstance(value, list | tuple):
        return [_for_machine(item) for item in value]
    if isinstance(value, dict):
        return {name: _for_machine(item) for name, item in value.items()}
    return value


class NotFound(DomainError):
    status_code = 404
    code = "not_found"

    def __init__(self, what: str, ident: object = None) -> None:
        # Never shown on a page (a page answers its own "not found"): English only.
        if ident:
            super().__init__("not_found", "%(what)s %(ident)s not found", what=what, ident=ident)
        else:
            super().__init__("not_found", "%(what)s not found", what=what)


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidInput(DomainError):
    status_code = 422
    code = "invalid_input"


class Unauthenticated(DomainError):
    status_code = 401
    code = "unauthenticated"


def unknown_value(code: str, value: object, allowed: Iterable[str]) -> InvalidInput:
    """A value outside a fixed set (a state, a kind): the set goes to a machine as details."""
    return InvalidInput(
        code,
        N_("“%(value)s” is not one of the values allowed here."),
        value=value,
        details={"allowed": list(allowed)},
    )


class Throttled(Exception):
    """Too many failed attempts lately (sign-ins, status lookups): wait, then try again."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s
