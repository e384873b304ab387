"""Every page a user can reach by following links from the dashboard, and what it shows.

The crawl follows same-origin links only, never a download, a sign-out or the JSON API; a
page that many rows link to (a case, a person) is visited a few times, not once per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass(frozen=True)
class Fetched:
    """What one GET answered."""

    status: int
    content_type: str
    text: str


Fetch = Callable[[str], Fetched]

PUBLIC_PAGES = ("/sign-in", "/status")
NOT_PAGES = ("/sign-out", "/static/", "/api/")
DOWNLOADS = (".csv", ".pdf", ".xlsx")
PER_KIND = 4  # visits of one kind of page (say, a case): the others look the same
# A path segment that names a row: a generated identifier, never a word of the route.
IDENTIFIER = re.compile(r"^(?=.*\d)[0-9a-zA-Z_-]{8,}$|^\d+$")

# The kinds of page each role must reach, so that the crawl cannot silently visit nothing.
OFFICER_KINDS = frozenset(
    {
        "/",
        "/incidents/{id}",
        "/incidents/{id}/lists/{id}",
        "/incidents/{id}/lists/{id}/changes",
        "/incidents/{id}/changes",
        "/incidents/{id}/review",
        "/incidents/{id}/imports/new",
        "/incidents/{id}/reentry",
        "/incidents/{id}/search",
        "/incidents/{id}/interviews",
        "/my-work",
        "/incidents/{id}/team",
        "/incidents/new",
        "/imports/{id}/preview",
        "/imports/{id}/columns",
        "/imports/{id}/review",
        "/cases/{id}",
        "/cases/{id}/reentry",
        "/flights/{id}",
        "/flights/{id}/manifest",
        "/persons",
        "/persons/{id}",
        "/persons/{id}/merge",
        "/deployments",
        "/account",
        "/providers",
        "/providers/new",
        "/providers/{id}",
        "/incidents/{id}/hotline",
        "/incidents/{id}/hotline/new",
        "/hotline/{id}",
    }
)
EXPECTED_KINDS = {
    "officer": OFFICER_KINDS,
    # Unfinished imports are their owner's: the supervisor has none.
    "supervisor": (OFFICER_KINDS - {"/imports/{id}/preview", "/imports/{id}/columns"})
    - {"/imports/{id}/review"}
    | {"/messages", "/admin/users"},
    "admin": frozenset(
        {"/", "/admin/users", "/messages", "/deployments", "/incidents/new", "/account"}
    ),
    "viewer": frozenset(
        {
            "/",
            "/incidents/{id}",
            "/incidents/{id}/lists/{id}",
            "/incidents/{id}/search",
            "/incidents/{id}/team",
            "/cases/{id}",
            "/persons/{id}",
            "/account",
            "/providers",
            "/providers/{id}",
        }
    ),
    # An employer's dashboard is its deployments page ("/" leads there).
    "employer_hr": frozenset({"/deployments", "/account"}),
}


# The registry's pages are found by its search, a form that asks by GET.
SEARCH = "/persons?name=KIM"


def start_pages(role: str) -> tuple[str, ...]:
    """Where a role's crawl begins: the dashboard, and the registry's search if it has one
    (an employer's dashboard is its deployments)."""
    return ("/deployments",) if role == "employer_hr" else ("/", SEARCH)


def kind_of(path: str) -> str:
    """The route a path takes, its identifiers replaced: ``/cases/{id}``."""
    segments = urlsplit(path).path.split("/")
    return "/".join("{id}" if IDENTIFIER.match(s) else s for s in segments) or "/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href") and "download" not in found:
            self.hrefs.append(str(found["href"]))


def links(html: str, base: str) -> list[str]:
    """The same-origin pages ``html`` (at path ``base``) links to, without fragments."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        target = urlsplit(urljoin(f"http://page{base}", href))
        if target.scheme != "http" or target.netloc != "page":
            continue
        path = target.path + (f"?{target.query}" if target.query else "")
        if path.startswith(NOT_PAGES) or target.path.endswith(DOWNLOADS):
            continue
        found.append(path)
    return found


def crawl(fetch: Fetch, start: Iterable[str] = ("/",)) -> dict[str, Fetched]:
    """The HTML pages reachable from ``start``, by path, each fetched once."""
    queue = list(start)
    seen = set(queue)
    visits: dict[str, int] = {}
    pages: dict[str, Fetched] = {}
    while queue:
        path = queue.pop(0)
        kind = kind_of(path)
        if visits.get(kind, 0) >= PER_KIND:
            continue
        visits[kind] = visits.get(kind, 0) + 1
        fetched = fetch(path)
        if not fetched.content_type.startswith("text/html"):
            continue
        pages[path] = fetched
        for target in links(fetched.text, path):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


def kinds(pages: Iterable[str]) -> set[str]:
    return {kind_of(path) for path in pages}
