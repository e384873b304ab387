"""What changed in an incident: its timeline, in sentences, with what is new since the
reader last looked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import DBAPIError

from consular.audit.timeline import (
    KINDS,
    TimelineFilters,
    read_timeline,
    remember_visit,
)
from consular.auth.service import Actor
from consular.auth.sessions import actor_of
from consular.db import is_busy
from consular.i18n import local_time
from consular.incidents.team import team
from consular.web.access import ReadingSignedIn
from consular.web.common import page_for
from consular.web.deps import ReadDB, write_unit

router = APIRouter(include_in_schema=False)


def page_filters(day: str, officer: str, kind: str, case: str) -> TimelineFilters:
    """The filters as typed in the form: a value that cannot be read filters nothing."""
    try:
        on = date.fromisoformat(day.strip()) if day.strip() else None
    except ValueError:
        on = None
    number = case.strip().lstrip("#")
    return TimelineFilters(
        day=on,
        officer=officer.strip(),
        kind=kind if kind in KINDS else "",
        case_number=int(number) if number.isdigit() and len(number) < 10 else None,
    )


def _query(filters: TimelineFilters, **more: object) -> str:
    values = {
        "day": filters.day.isoformat() if filters.day else "",
        "officer": filters.officer,
        "kind": filters.kind,
        "case": "" if filters.case_number is None else str(filters.case_number),
        **more,
    }
    return urlencode({key: value for key, value in values.items() if value not in ("", None)})


@router.get("/incidents/{incident_id}/changes", response_class=HTMLResponse)
def timeline_page(
    request: Request,
    db: ReadDB,
    session: ReadingSignedIn,
    incident_id: str,
    day: str = "",
    officer: str = "",
    kind: str = "",
    case: str = "",
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    filters = page_filters(day, officer, kind, case)
    shown = read_timeline(db, actor, incident_id, filters, before=before)

    written: dict[datetime, str] = {}

    def when(moment: datetime) -> str:
        # Shown to the minute: a page's hundred events share a few minutes' formatting.
        minute = moment.replace(second=0, microsecond=0)
        if minute not in written:
            written[minute] = local_time(minute, shown.time_zone, page.language)
        return written[minute]

    response = page.render(
        request,
        "timeline.html",
        timeline=shown,
        when=when,
        filters=filters,
        kinds=KINDS,
        officers=[user.name for user in team(db, shown.incident)],
        older=_query(filters, before=shown.older) if shown.older else None,
        newest=_query(filters) if before is not None else None,
    )
    if before is None and not filters.any:
        _remember(request, shown.incident.id, actor_of(session), shown.last_seq)
    return response


def _remember(request: Request, incident_id: str, actor: Actor, seen_seq: int) -> None:
    # A short write of its own once the page is read: a visit not remembered because other
    # work held the database costs nothing but a highlight, so the page is shown anyway.
    try:
        with write_unit(request) as db:
            remember_visit(db, actor, incident_id, seen_seq)
    except DBAPIError as exc:
        if not is_busy(exc):
            raise
