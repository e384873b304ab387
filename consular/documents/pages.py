"""The case page's travel documents section: record the document, issue a travel
certificate, print it (PDF)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases import labels
from consular.cases.models import Case
from consular.cases.pages import _refused, case_section
from consular.documents.etd_pdf import certificate_pdf
from consular.documents.models import TravelDocument
from consular.documents.service import (
    DocumentEntry,
    document_of,
    issue_certificate,
    parse_list,
    print_certificate,
    record_document,
    record_numbers,
)
from consular.errors import Conflict, DomainError, InvalidInput
from consular.flights.fonts import PdfFontMissing
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.lifecycle import CLOSED
from consular.incidents.service import get_incident
from consular.web.access import CheckedForm, SignedIn, refused_with
from consular.web.common import page_for
from consular.web.deps import DB, download

router = APIRouter(include_in_schema=False)


@case_section(40, "case_documents.html")
def documents_section(db: Session, session: WebSession, case: Case) -> dict[str, Any]:
    actor = actor_of(session)
    return {
        "record": document_of(db, case.id),
        "kinds": labels.DOCUMENT_KINDS,
        "whereabouts": labels.PASSPORT_WHEREABOUTS,
        "validities": labels.VALIDITIES,
        "may_change": actor.can(Permission.CASE_WRITE) and case.incident.status != CLOSED,
    }


_DAYS = {
    "issued_on": Message("document.field_issued_on", N_("Issue date")),
    "expires_on": Message("document.field_expires_on", N_("Expiry date")),
}


def parse_day(text: str, name: str) -> date | None:
    """A date typed as YYYY-MM-DD (blank: none); anything else is refused by its field."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            "document.bad_date",
            N_("%(field)s: give the date as YYYY-MM-DD."),
            field=_DAYS[name],
        ) from None


def _version(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _changed(case_id: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}#documents", status_code=303)


@router.post("/cases/{case_id}/travel-document")
@refused_with(_refused)
def case_document(
    db: DB,
    session: CheckedForm,
    case_id: str,
    kind: Annotated[str, Form()] = "passport",
    number: Annotated[str, Form()] = "",
    issued_on: Annotated[str, Form()] = "",
    expires_on: Annotated[str, Form()] = "",
    passport_whereabouts: Annotated[str, Form()] = "unknown",
    version: Annotated[str, Form()] = "",
) -> Response:
    """Record the document the person travels on, and where their passport is; an empty
    number keeps the one recorded for a document of the same kind (it is not shown again)."""
    recorded = document_of(db, case_id)
    if not number.strip() and recorded is not None and recorded.kind == kind:
        number = recorded.number or ""
    entry = DocumentEntry(
        kind=kind,
        number=number,
        issued_on=parse_day(issued_on, "issued_on"),
        expires_on=parse_day(expires_on, "expires_on"),
        passport_whereabouts=passport_whereabouts,
    )
    record_document(db, actor_of(session), case_id, entry, version=_version(version))
    return _changed(case_id)


@router.post("/cases/{case_id}/travel-certificate")
@refused_with(_refused)
def case_certificate(
    db: DB,
    session: CheckedForm,
    case_id: str,
    number: Annotated[str, Form()] = "",
    issued_on: Annotated[str, Form()] = "",
    validity: Annotated[str, Form()] = "single_journey",
    expires_on: Annotated[str, Form()] = "",
    passport_whereabouts: Annotated[str, Form()] = "unknown",
    version: Annotated[str, Form()] = "",
) -> Response:
    """Issue a travel certificate: its number typed, or the post's next one."""
    entry = DocumentEntry(
        number=number,
        issued_on=parse_day(issued_on, "issued_on"),
        expires_on=parse_day(expires_on, "expires_on"),
        validity=validity,
        passport_whereabouts=passport_whereabouts,
    )
    issue_certificate(db, actor_of(session), case_id, entry, version=_version(version))
    return _changed(case_id)


@router.get("/cases/{case_id}/travel-certificate.pdf")
def case_certificate_pdf(request: Request, db: DB, session: SignedIn, case_id: str) -> Response:
    """The travel certificate to print; every printing is audited."""
    page, _ = page_for(request, session)

    def render(record: TravelDocument) -> Response:
        return download(
            certificate_pdf(record), f"travel-certificate-{record.number}.pdf", "application/pdf"
        )

    try:
        return print_certificate(db, actor_of(session), case_id, render)
    except PdfFontMissing:
        return page.render(request, "error.html", status_code=503, kind="pdf_font")


def _list_page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: dict[str, str] | None = None,
    recorded: list[dict[str, Any]] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    incident = get_incident(db, actor_of(session), incident_id)
    return page.render(
        request,
        "travel_documents.html",
        status_code=status_code,
        incident=incident,
        kinds=labels.DOCUMENT_KINDS,
        whereabouts=labels.PASSPORT_WHEREABOUTS,
        error=error,
        errors=error.details.get("report", {}).get("errors", []) if error else [],
        typed=typed or {},
        recorded=recorded,
    )


@router.get("/incidents/{incident_id}/travel-documents")
def travel_documents_page(
    request: Request, db: DB, session: SignedIn, incident_id: str
) -> Response:
    """Paste "case number or A-number, document number", one case a line."""
    return _list_page(request, db, session, incident_id)


@router.post("/incidents/{incident_id}/travel-documents")
def travel_documents_record(
    request: Request,
    db: DB,
    session: CheckedForm,
    incident_id: str,
    pasted: Annotated[str, Form(max_length=200_000)] = "",
    kind: Annotated[str, Form()] = "passport",
    passport_whereabouts: Annotated[str, Form()] = "",
) -> Response:
    """The numbers recorded, all or none; a refused list comes back with each bad row."""
    typed = {"pasted": pasted, "kind": kind, "passport_whereabouts": passport_whereabouts}
    try:
        with db.begin_nested():
            recorded = record_numbers(
                db,
                actor_of(session),
                incident_id,
                parse_list(pasted),
                kind=kind,
                passport_whereabouts=passport_whereabouts or None,
            )
    except (InvalidInput, Conflict) as refused:
        return _list_page(
            request,
            db,
            session,
            incident_id,
            status_code=refused.status_code,
            error=refused,
            typed=typed,
        )
    return _list_page(request, db, session, incident_id, recorded=recorded)
