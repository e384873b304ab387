"""The roster's pages (``/providers``) and the case page's section on counsel, referrals,
hearings and bond, with the forms that change them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.pages import case_section, refused_on_case
from consular.errors import DomainError
from consular.incidents.lifecycle import CLOSED
from consular.phones import shown_phone
from consular.referrals import labels, service
from consular.referrals.service import ProviderFields, parse_languages
from consular.web.access import CheckedForm, Refusal, SignedIn, refused_with
from consular.web.common import page_for
from consular.web.deps import DB

router = APIRouter(include_in_schema=False)

_LABELS: dict[str, Any] = {
    "kinds": labels.PROVIDER_KINDS,
    "languages": labels.LANGUAGES,
    "states": labels.REFERRAL_STATES,
    "hearing_kinds": labels.HEARING_KINDS,
    "payers": labels.BOND_PAYERS,
    "bond_states": labels.BOND_STATES,
}


# The roster


@router.get("/providers", response_class=HTMLResponse)
def providers_page(
    request: Request, db: DB, session: SignedIn, kind: str = "", language: str = ""
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    kind = kind if kind in labels.PROVIDER_KINDS else ""
    found = service.list_providers(db, actor, kind=kind, language=language.strip())
    return page.render(
        request,
        "providers.html",
        providers=found,
        kind=kind,
        language=language.strip().lower(),
        shown_phone=shown_phone,
        can_write=actor.can(Permission.CASE_WRITE),
        **_LABELS,
    )


def _provider_form(
    request: Request,
    db: Session,
    session: WebSession,
    provider_id: str | None,
    *,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: Mapping[str, str] | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    provider = service.get_provider(db, actor, provider_id) if provider_id else None
    if typed is None and provider is not None:
        typed = {
            "name": provider.name,
            "kind": provider.kind,
            "languages": ", ".join(provider.languages),
            "phone": shown_phone(provider.phone),
            "email": provider.email,
            "areas": provider.areas,
            "notes": provider.notes,
            "active": "yes" if provider.active else "",
            "version": str(provider.version),
        }
    return page.render(
        request,
        "provider_form.html",
        status_code=status_code,
        provider=provider,
        typed=typed or {"active": "yes"},
        error=error,
        can_write=actor.can(Permission.CASE_WRITE),
        **_LABELS,
    )


def _form_refused(refusal: Refusal) -> Response:
    ident = refusal.request.path_params.get("provider_id")
    return _provider_form(
        refusal.request,
        refusal.db,
        refusal.session,
        ident,
        status_code=refusal.error.status_code,
        error=refusal.error,
        typed=refusal.typed,
    )


def _fields(
    name: str,
    kind: str,
    languages: str,
    phone: str,
    email: str,
    areas: str,
    notes: str,
    active: str,
) -> ProviderFields:
    return ProviderFields(
        name=name,
        kind=kind,
        languages=parse_languages(languages),
        phone=phone,
        email=email,
        areas=areas,
        notes=notes,
        active=active == "yes",
    )


@router.get("/providers/new", response_class=HTMLResponse)
def provider_new(request: Request, db: DB, session: SignedIn) -> Response:
    return _provider_form(request, db, session, None)


@router.post("/providers/new")
@refused_with(_form_refused)
def provider_create(
    db: DB,
    session: CheckedForm,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    areas: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    fields = _fields(name, kind, languages, phone, email, areas, notes, active)
    provider = service.add_provider(db, actor_of(session), fields)
    return RedirectResponse(f"/providers/{provider.id}", status_code=303)


@router.get("/providers/{provider_id}", response_class=HTMLResponse)
def provider_page(request: Request, db: DB, session: SignedIn, provider_id: str) -> Response:
    return _provider_form(request, db, session, provider_id)


@router.post("/providers/{provider_id}")
@refused_with(_form_refused)
def provider_update(
    db: DB,
    session: CheckedForm,
    provider_id: str,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    areas: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    fields = _fields(name, kind, languages, phone, email, areas, notes, active)
    service.update_provider(db, actor_of(session), provider_id, fields, version=version)
    return RedirectResponse("/providers", status_code=303)


# The case page's section


@case_section(40, "case_referrals.html")
def _case_referrals(db: Session, session: WebSession, case: Case) -> dict[str, Any]:
    actor = actor_of(session)
    writable = actor.can(Permission.CASE_WRITE) and case.incident.status != CLOSED
    offered = (
        [p for p in service.providers_of_post(db, case.incident.post_id) if p.active]
        if writable
        else []
    )
    return {
        "referrals": service.referrals_of(db, case),
        "hearings": service.hearings_of(db, case),
        "bond": service.bond_of(db, case),
        "providers": offered,
        "moves": service.MOVES,
        "writable": writable,
        "shown_phone": shown_phone,
        **_LABELS,
    }


def _to_section(case_id: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}#referrals", status_code=303)


@router.post("/cases/{case_id}/referrals")
@refused_with(refused_on_case)
def case_refer(
    db: DB,
    session: CheckedForm,
    case_id: str,
    provider: Annotated[str, Form()] = "",
    consent: Annotated[str, Form()] = "",
    consent_note: Annotated[str, Form()] = "",
) -> Response:
    service.refer(
        db,
        actor_of(session),
        case_id,
        provider,
        consent=consent == "yes",
        consent_note=consent_note,
    )
    return _to_section(case_id)


@router.post("/cases/{case_id}/referrals/{referral_id}/move")
@refused_with(refused_on_case)
def case_referral_move(
    db: DB,
    session: CheckedForm,
    case_id: str,
    referral_id: str,
    to: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    service.move_referral(
        db, actor_of(session), case_id, referral_id, to, version=version, outcome=outcome
    )
    return _to_section(case_id)


@router.post("/cases/{case_id}/hearings")
@refused_with(refused_on_case)
def case_hearing(
    db: DB,
    session: CheckedForm,
    case_id: str,
    kind: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
) -> Response:
    actor = actor_of(session)
    starts_at = service.typed_moment(db, actor, case_id, day, at)
    service.add_hearing(
        db, actor, case_id, kind=kind, starts_at=starts_at, place=place, notes=notes
    )
    return _to_section(case_id)


@router.post("/cases/{case_id}/hearings/{hearing_id}/remove")
@refused_with(refused_on_case)
def case_hearing_remove(
    db: DB,
    session: CheckedForm,
    case_id: str,
    hearing_id: str,
    note: Annotated[str, Form()] = "",
) -> Response:
    service.remove_hearing(db, actor_of(session), case_id, hearing_id, note=note)
    return _to_section(case_id)


@router.post("/cases/{case_id}/bond")
@refused_with(refused_on_case)
def case_bond(
    db: DB,
    session: CheckedForm,
    case_id: str,
    amount: Annotated[str, Form()] = "",
    payer: Annotated[str, Form()] = "",
    state: Annotated[str, Form()] = "set",
    note: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    service.record_bond(
        db,
        actor_of(session),
        case_id,
        amount=service.parse_amount(amount),
        payer=payer,
        state=state,
        version=version,
        note=note,
    )
    return _to_section(case_id)
