"""The bounds of what a request may bring: its body's size, and the files it uploads.

``RequestBodyLimit`` runs before routing and sign-in, so nobody (signed in or not) can make
the server read more than ``CONSULAR_MAX_REQUEST_BYTES``: a declared ``Content-Length``
over it is refused at once, unread; a streamed body is counted as it arrives and cut at
the cap. Routes that read an uploaded file take its limits from ``UploadLimits``.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from consular.config import Settings
from consular.importing import upload_limits
from consular.tabular import TableLimits
from consular.web.pages import Page, request_language

__all__ = ["RequestBodyLimit", "UploadLimits"]

API_PREFIX = "/api/v1"


def _upload_limits(request: Request) -> TableLimits:
    settings: Settings = request.app.state.settings
    return upload_limits(settings)


UploadLimits = Annotated[TableLimits, Depends(_upload_limits)]


class BodyTooLarge(Exception):
    """The request body passed the cap while it was being read."""


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself
    return None


class RequestBodyLimit:
    """ASGI middleware: a request body larger than ``max_bytes`` is answered 413, unread."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0
        cut = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, cut
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    cut = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if cut:
                return  # whatever the route made of a cut body, the answer is the refusal
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not cut:
                raise
        if cut and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        size = _size(self.max_bytes)
        message = (
            f"the request is larger than {size} "
            f"(the limit is CONSULAR_MAX_REQUEST_BYTES={self.max_bytes}); nothing was read"
        )
        if scope["path"].startswith(API_PREFIX):
            body = json.dumps({"error": "too_large", "message": message}).encode()
            content_type = b"application/json"
            language = b"en"
        else:
            body, language = _refusal_page(scope, size)
            content_type = b"text/html; charset=utf-8"
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"content-language", language),
            # The rest of the body is not read, so the connection cannot carry another request.
            (b"connection", b"close"),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _size(count: int) -> str:
    return f"{count / 2**20:,.0f} MB" if count >= 2**20 else f"{count:,} bytes"


def _refusal_page(scope: Scope, size: str) -> tuple[bytes, bytes]:
    request = Request(scope)
    page = Page(request_language(request))
    response = page.render(request, "error.html", status_code=413, kind="too_large", size=size)
    return bytes(response.body), page.language.encode()
