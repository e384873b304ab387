"""The public status page: a family's code and the person's date of birth open a coarse
status. No sign-in, no search by name; a wrong code or date answers like an unknown code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from consular.db import unit_of_work
from consular.errors import NotFound, Throttled
from consular.families.service import FamilyStatus, lookup_status
from consular.fields import FieldError, parse_date
from consular.web.access import CookieForm
from consular.web.common import client_address, page_for, settings_of, with_form_cookie

router = APIRouter(include_in_schema=False)


def _robots(response: Response) -> Response:
    # Nothing of this page belongs in a search engine.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@router.get("/status", response_class=HTMLResponse)
def status_form(request: Request) -> Response:
    page, fresh = page_for(request, None)
    response = page.render(request, "status.html", result=None, error=None)
    return _robots(with_form_cookie(request, response, fresh))


@router.post("/status", response_class=HTMLResponse)
def status_lookup(
    request: Request,
    _form: CookieForm,
    code: Annotated[str, Form()] = "",
    date_of_birth: Annotated[str, Form()] = "",
) -> Response:
    page, _ = page_for(request, None)
    settings = settings_of(request)
    try:
        born = parse_date(date_of_birth)
    except FieldError:
        born = None  # answered like any other wrong date, after the same work
    # The page's own transaction (not the per-request one of the other pages), ended before
    # the page is rendered: the lookup's audit event holds the audit chain's lock, which
    # every other lookup waits for, until the commit. A failure is committed too.
    result: FamilyStatus | Throttled | NotFound
    with unit_of_work(request.app.state.session_factory) as db:
        try:
            result = lookup_status(db, settings, code, born, client_address(request))
        except (Throttled, NotFound) as exc:
            result = exc
    if isinstance(result, Throttled):
        response = page.render(
            request,
            "status.html",
            status_code=429,
            result=None,
            error="throttled",
            minutes=max(1, (result.retry_after_s + 59) // 60),
        )
        response.headers["Retry-After"] = str(result.retry_after_s)
        return _robots(response)
    if isinstance(result, NotFound):
        response = page.render(request, "status.html", status_code=404, result=None, error="none")
        return _robots(response)
    page.time_zone = result.time_zone
    return _robots(page.render(request, "status.html", result=result, error=None))
