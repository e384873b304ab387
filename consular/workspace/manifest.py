"""The passenger manifest as a page to print, in Korean or English (web and command line)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consular.flights.models import Flight
from consular.i18n import LANGUAGES
from consular.incidents.models import Incident
from consular.web.pages import STATIC, Page, environment

STYLESHEET = STATIC / "manifest.css"


def render_manifest(
    db: Session,
    flight: Flight,
    rows: list[dict[str, str]],
    language: str,
    *,
    standalone: bool = True,
) -> str:
    """The manifest page; ``standalone`` inlines its style (a file), else links it (served)."""
    incident = db.get(Incident, flight.incident_id)
    assert incident is not None
    page = Page(language if language in LANGUAGES else "ko", time_zone=incident.post.time_zone)
    return (
        environment(page.language)
        .get_template("manifest.html")
        .render(
            page=page,
            flight=flight,
            incident=incident,
            rows=rows,
            stylesheet=STYLESHEET.read_text(encoding="utf-8") if standalone else "",
        )
    )
