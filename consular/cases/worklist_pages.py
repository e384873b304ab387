"""The "My work" page: the signed-in officer's open checklist items, most urgent first."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from consular.api_schema import MAX_PAGE
from consular.auth.sessions import actor_of
from consular.cases.worklist import (
    Due,
    WorkFilter,
    my_work,
    work_choices,
)
from consular.referrals.labels import HEARING_KINDS
from consular.referrals.reminders import upcoming_hearings
from consular.web.access import SignedIn
from consular.web.common import page_for, settings_of
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


@router.get("/my-work", response_class=HTMLResponse)
def my_work_page(
    request: Request,
    db: DB,
    session: SignedIn,
    incident: str | None = None,
    facility: str | None = None,
    due: str | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """The officer's open items across their cases, filtered by incident, facility, deadline."""
    page, _ = page_for(request, session)
    actor = actor_of(session)
    # A link with a filter value no longer offered shows everything rather than an error.
    shown = WorkFilter.of(incident, facility, due if due in set(Due) else None)
    total, items = my_work(db, actor, shown, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    query = urlencode(
        {
            key: value
            for key, value in (
                ("incident", shown.incident_id),
                ("facility", shown.facility),
                ("due", shown.due),
            )
            if value
        }
    )
    return page.render(
        request,
        "my_work.html",
        items=items,
        total=total,
        shown=shown,
        query=query,
        page_number=page_number,
        last_page=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        choices=work_choices(db, actor),
        dues=[str(d) for d in Due],
        hearings=upcoming_hearings(db, actor, settings_of(request).hearing_lead_hours),
        hearing_kinds=HEARING_KINDS,
    )
