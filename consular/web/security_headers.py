"""Headers on every answer: never framed, never sniffed, a strict content policy, no caching.

The pages carry no script and no inline style, so the content policy allows only this
site's own files. Answers that may carry personal data (every page, the API, exports, the
public status page) are never stored by a browser or a proxy; the stylesheets and the
public description of the API may be.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    )
)
_EVERY_ANSWER = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Same-origin, not no-referrer: browsers then send a form's Origin as "null".
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}
# Nothing personal in these; everything else is answered with Cache-Control: no-store.
_CACHEABLE_PREFIXES = ("/static/",)
_CACHEABLE_PATHS = frozenset({"/api/v1/health", "/api/v1/openapi.json"})
NO_STORE = "no-store"


def may_be_cached(path: str) -> bool:
    return path in _CACHEABLE_PATHS or path.startswith(_CACHEABLE_PREFIXES)


def security_headers(path: str) -> dict[str, str]:
    """The headers an answer to ``path`` carries (for answers made outside the middleware)."""
    headers = dict(_EVERY_ANSWER)
    if not may_be_cached(path):
        headers["Cache-Control"] = NO_STORE
    return headers


class SecurityHeaders:
    """Adds :func:`security_headers` to every HTTP answer; a route's own no-store stays."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = security_headers(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    if name == "Cache-Control":
                        # A cache directive of the route's own gives way unless it is no-store.
                        if NO_STORE not in headers.get(name, "").lower():
                            headers[name] = value
                    elif name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
