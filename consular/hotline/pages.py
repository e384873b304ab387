"""The families' hotline pages: an incident's call log, the fast form for a call in progress,
one call with its candidates (link, report, the caller's code); and the case page's
emergency contacts, added, changed and removed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of, show_once, take_shown_once
from consular.cases.models import Case
from consular.cases.pages import case_section, refused_on_case_page
from consular.codes import RELATIONSHIPS
from consular.db import utcnow
from consular.errors import DomainError
from consular.hotline.contacts import ContactForm, add_contact, change_contact, remove_contact
from consular.hotline.matching import candidates
from consular.hotline.service import (
    InquiryForm,
    callback_time,
    called_back,
    calls_of_case,
    get_inquiry,
    give_code,
    incident_for_calls,
    inquiries_of,
    is_overdue,
    link,
    log_call,
    report,
    set_state,
)
from consular.incidents.lifecycle import CLOSED
from consular.web.access import CheckedForm, SignedIn, on_page, refused_with
from consular.web.common import page_for, settings_of
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

_CALLER_FIELDS = (
    "caller_name",
    "caller_relation",
    "caller_phone",
    "caller_language",
    "subject_name",
    "subject_birth",
    "subject_employer",
    "last_seen",
    "said",
    "promised",
    "callback_due",
)


def _log_page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    calls = inquiries_of(db, actor, incident_id)
    now = utcnow()
    return page.render(
        request,
        "hotline.html",
        status_code=status_code,
        incident=incident_for_calls(db, actor, incident_id),
        calls=calls,
        overdue={call.id for call in calls if is_overdue(call, now)},
        can_log=actor.can(Permission.HOTLINE_WRITE),
        error=error,
    )


def _new_page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    kept: Mapping[str, Mapping[str, str]] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    incident = incident_for_calls(db, actor, incident_id, Permission.HOTLINE_WRITE)
    return page.render(
        request,
        "hotline_new.html",
        status_code=status_code,
        incident=incident,
        relationships=list(RELATIONSHIPS),
        error=error,
        wrong=error.details.get("field") if error else None,
        typed=(kept or {}).get(f"/incidents/{incident_id}/hotline", {}),
    )


@router.get("/incidents/{incident_id}/hotline", response_class=HTMLResponse)
def hotline_log(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    return _log_page(request, db, session, incident_id)


@router.get("/incidents/{incident_id}/hotline/new", response_class=HTMLResponse)
def hotline_new(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    return _new_page(request, db, session, incident_id)


@router.post("/incidents/{incident_id}/hotline")
@refused_with(on_page(_new_page, "incident_id", kept=True))
def hotline_log_call(
    db: DB,
    session: CheckedForm,
    incident_id: str,
    caller_name: Annotated[str, Form()] = "",
    caller_relation: Annotated[str, Form()] = "",
    caller_phone: Annotated[str, Form()] = "",
    caller_language: Annotated[str, Form()] = "ko",
    subject_name: Annotated[str, Form()] = "",
    subject_birth: Annotated[str, Form()] = "",
    subject_employer: Annotated[str, Form()] = "",
    last_seen: Annotated[str, Form()] = "",
    said: Annotated[str, Form()] = "",
    promised: Annotated[str, Form()] = "",
    callback_due: Annotated[str, Form()] = "",
) -> Response:
    actor = actor_of(session)
    incident = incident_for_calls(db, actor, incident_id, Permission.HOTLINE_WRITE)
    form = InquiryForm(
        caller_name=caller_name,
        caller_relation=caller_relation,
        caller_phone=caller_phone,
        caller_language=caller_language,
        subject_name=subject_name,
        subject_birth=subject_birth,
        subject_employer=subject_employer,
        last_seen=last_seen,
        said=said,
        promised=promised,
        callback_due=callback_time(callback_due, incident.post.time_zone),
    )
    inquiry = log_call(db, actor, incident_id, form)
    return RedirectResponse(f"/hotline/{inquiry.id}", status_code=303)


def _inquiry_page(
    request: Request,
    db: Session,
    session: WebSession,
    inquiry_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    inquiry = get_inquiry(db, actor, inquiry_id)
    may_change = actor.can(Permission.HOTLINE_WRITE) and inquiry.incident.status != CLOSED
    return page.render(
        request,
        "hotline_inquiry.html",
        status_code=status_code,
        inquiry=inquiry,
        incident=inquiry.incident,
        overdue=is_overdue(inquiry, utcnow()),
        candidates=candidates(db, inquiry) if inquiry.state in ("open", "reported") else [],
        can_write=actor.can(Permission.HOTLINE_WRITE),
        may_change=may_change,
        can_code=may_change and actor.can(Permission.FAMILY_CODE),
        linked=take_shown_once(session, "hotline_link", inquiry_id=inquiry.id),
        issued_code=take_shown_once(session, "hotline_code", inquiry_id=inquiry.id),
        error=error,
    )


_refused = on_page(_inquiry_page, "inquiry_id")


def _back(inquiry_id: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/hotline/{inquiry_id}{anchor}", status_code=303)


@router.get("/hotline/{inquiry_id}", response_class=HTMLResponse)
def hotline_inquiry(request: Request, db: DB, session: SignedIn, inquiry_id: str) -> Response:
    return _inquiry_page(request, db, session, inquiry_id)


@router.post("/hotline/{inquiry_id}/link")
@refused_with(_refused)
def hotline_link(
    db: DB,
    session: CheckedForm,
    inquiry_id: str,
    case_id: Annotated[str, Form()] = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    linked = link(db, actor_of(session), inquiry_id, case_id, version=version)
    show_once(
        session,
        "hotline_link",
        inquiry_id=inquiry_id,
        added="1" if linked.contact_added else "",
        told="1" if linked.family_may_be_told else "",
    )
    return _back(inquiry_id, "#linked")


@router.post("/hotline/{inquiry_id}/report")
@refused_with(_refused)
def hotline_report(
    db: DB,
    session: CheckedForm,
    inquiry_id: str,
    version: Annotated[int | None, Form()] = None,
) -> Response:
    report(db, actor_of(session), inquiry_id, version=version)
    return _back(inquiry_id)


@router.post("/hotline/{inquiry_id}/code")
@refused_with(_refused)
def hotline_code(
    request: Request,
    db: DB,
    session: CheckedForm,
    inquiry_id: str,
    sms: Annotated[str, Form()] = "",
) -> Response:
    given = give_code(db, actor_of(session), settings_of(request), inquiry_id, by_sms=bool(sms))
    show_once(
        session,
        "hotline_code",
        inquiry_id=inquiry_id,
        code=given.issued.code,
        contact=given.issued.family_code.contact_name,
        sms="1" if given.sms_written else "",
    )
    return _back(inquiry_id, "#issued-code")


@router.post("/hotline/{inquiry_id}/state")
@refused_with(_refused)
def hotline_state(
    db: DB, session: CheckedForm, inquiry_id: str, to: Annotated[str, Form()] = ""
) -> Response:
    set_state(db, actor_of(session), inquiry_id, to)
    return _back(inquiry_id)


@router.post("/hotline/{inquiry_id}/called-back")
@refused_with(_refused)
def hotline_called_back(db: DB, session: CheckedForm, inquiry_id: str) -> Response:
    called_back(db, actor_of(session), inquiry_id)
    return _back(inquiry_id)


@case_section(95, "case_hotline.html")
def case_calls(db: Session, session: WebSession, case: Case) -> dict[str, object] | None:
    """The hotline calls linked to the case, for those who read the hotline."""
    actor = actor_of(session)
    if not actor.can(Permission.HOTLINE_READ):
        return None
    calls = calls_of_case(db, actor, case.id)
    return {"calls": calls} if calls else None


# --- the case page's emergency contacts --------------------------------------------------


def _contact_form(
    name: Annotated[str, Form()] = "",
    relation: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "ko",
    opted_out: Annotated[str, Form()] = "",
) -> ContactForm:
    """The contact's form on the case page, as typed."""
    return ContactForm(name, relation, phone, email, language or "ko", bool(opted_out))


ContactFields = Annotated[ContactForm, Depends(_contact_form)]


def _to_contacts(case_id: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}#contacts", status_code=303)


@router.post("/cases/{case_id}/contacts")
@refused_with(refused_on_case_page)
def case_contact_add(db: DB, session: CheckedForm, case_id: str, form: ContactFields) -> Response:
    add_contact(db, actor_of(session), case_id, form)
    return _to_contacts(case_id)


@router.post("/cases/{case_id}/contacts/{contact_id}")
@refused_with(refused_on_case_page)
def case_contact_change(
    db: DB, session: CheckedForm, case_id: str, contact_id: str, form: ContactFields
) -> Response:
    change_contact(db, actor_of(session), case_id, contact_id, form)
    return _to_contacts(case_id)


@router.post("/cases/{case_id}/contacts/{contact_id}/remove")
@refused_with(refused_on_case_page)
def case_contact_remove(db: DB, session: CheckedForm, case_id: str, contact_id: str) -> Response:
    remove_contact(db, actor_of(session), case_id, contact_id)
    return _to_contacts(case_id)
