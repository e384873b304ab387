"""The roster's welfare interviews on one screen, the case page's section, the CSV.

The screen is typed from the paper roster: one fieldset a case, every field a plain form
control (no script), one Save for all. A row left as the screen gave it is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from consular.auth.models import WebSession
from consular.auth.permissions import Permission
from consular.auth.sessions import actor_of
from consular.cases.models import Case
from consular.cases.pages import case_section
from consular.db import utcnow
from consular.errors import DomainError, InvalidInput
from consular.i18n import N_, translations
from consular.incidents.lifecycle import CLOSED
from consular.interviews import labels
from consular.interviews.aggregates import MEASURES, csv_rows, summary
from consular.interviews.models import WelfareInterview
from consular.interviews.service import (
    InterviewInput,
    RosterRefused,
    Visit,
    interviews_of,
    record_interviews,
    roster,
)
from consular.registry.service import mask_identifier
from consular.web.access import FormExpired, Refusal, SignedIn, refused_with
from consular.web.common import form_ok, page_for
from consular.web.deps import DB, csv_download

router = APIRouter(include_in_schema=False)

# A roster of a few hundred, twenty fields a person (the framework's default is 1000).
MAX_FIELDS = 20_000
MAX_ROWS = 500
TEXT_FIELDS = (
    "not_seen_other",
    "health",
    "injuries",
    "medical_notes",
    "complaints",
    "property_held",
    "property_left",
    "notes",
)
CHOICE_FIELDS = ("not_seen_reason", "told_reason", "advised_rights", "family_notice", "wish")
FLAG_FIELDS = ("interpreter", "injured", "medical_needs", "counsel_wanted")
# What the screen starts with: a person seen, the employer not asked about.
DEFAULTS = {"seen": "yes", "employer_notice": "not_asked"}
_NUMBERS = re.compile(r"^\s*(\d{1,7})\s*(?:-\s*(\d{1,7})\s*)?$")


def parse_numbers(text: str) -> tuple[list[int], list[str]]:
    """Case numbers as typed ("3, 7, 10-14"), and the parts that are no number."""
    numbers: list[int] = []
    bad: list[str] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        found = _NUMBERS.match(part)
        if not found:
            bad.append(part)
            continue
        first = int(found.group(1))
        last = int(found.group(2) or first)
        if last < first or last - first >= MAX_ROWS:
            bad.append(part)
            continue
        numbers.extend(range(first, last + 1))
    return numbers[: MAX_ROWS + 1], bad


def _field(number: int, name: str) -> str:
    return f"c{number}.{name}"


def _is_blank(form: Mapping[str, str], number: int) -> bool:
    """Nothing typed or changed in the row: not everyone was seen yet."""
    for name, default in DEFAULTS.items():
        if form.get(_field(number, name), default) != default:
            return False
    names = (*TEXT_FIELDS, *CHOICE_FIELDS, *FLAG_FIELDS)
    return not any(form.get(_field(number, name), "").strip() for name in names)


def _row_input(form: Mapping[str, str], number: int) -> InterviewInput:
    def text(name: str) -> str:
        return form.get(_field(number, name), "")

    row = InterviewInput(case_number=number, seen=text("seen") != "no")
    for name in (*TEXT_FIELDS, *CHOICE_FIELDS, "employer_notice"):
        setattr(row, name, text(name))
    for name in FLAG_FIELDS:
        setattr(row, name, text(name) == "yes")
    return row


async def _roster_form(request: Request) -> FormData:
    return await request.form(max_fields=MAX_FIELDS)


RosterForm = Annotated[FormData, Depends(_roster_form)]


def _screen(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    numbers: str,
    facility: str,
    day: str,
    status_code: int = 200,
    error: DomainError | None = None,
    typed: Mapping[str, str] | None = None,
    saved: int | None = None,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    wanted, bad = parse_numbers(numbers)
    shown = roster(db, actor, incident_id, wanted, facility) if (wanted or facility) else None
    incident = shown.incident if shown else roster(db, actor, incident_id, [], "").incident
    problems: dict[tuple[int | None, str], list[Any]] = {}
    if isinstance(error, RosterRefused):
        for problem in error.problems:
            problems.setdefault((problem.row, problem.field), []).append(problem.message)
    today = utcnow().astimezone(ZoneInfo(incident.post.time_zone)).date().isoformat()
    cases = shown.cases if shown else []
    return page.render(
        request,
        "interviews_roster.html",
        status_code=status_code,
        incident=incident,
        cases=cases,
        unknown=shown.unknown if shown else [],
        bad_numbers=bad,
        numbers=numbers,
        facility=facility,
        day=day or today,
        facilities=_facilities(db, incident.id),
        typed=typed or {},
        problems=problems,
        error=None if isinstance(error, RosterRefused) else error,
        refused=error if isinstance(error, RosterRefused) else None,
        saved=saved,
        last_seen=_last_interviews(db, [case.id for case in cases]),
        masked={case.id: mask_identifier(case.host_identifier) for case in cases},
        can_write=incident.status != CLOSED and actor.can(Permission.CASE_WRITE),
        labels=labels,
        field_names=FIELD_NAMES,
    )


def _facilities(db: Session, incident_id: str) -> list[str]:
    query = select(Case.facility).where(Case.incident_id == incident_id).distinct()
    return sorted(name for name in db.scalars(query) if name)


def _last_interviews(db: Session, case_ids: list[str]) -> dict[str, WelfareInterview]:
    if not case_ids:
        return {}
    rows = db.scalars(
        select(WelfareInterview)
        .where(WelfareInterview.case_id.in_(case_ids))
        .order_by(WelfareInterview.held_on, WelfareInterview.recorded_at)
    )
    return {row.case_id: row for row in rows}


# The row report's names of the fields, as the screen labels them.
FIELD_NAMES = {
    "case_number": N_("Case"),
    "facility": N_("Facility"),
    "interviewer": N_("Interviewed by"),
    "date": N_("Date"),
    "seen": N_("Seen or not"),
    "not_seen_reason": N_("Why not seen"),
    "not_seen_other": N_("Other reason"),
    "interpreter": N_("Interpreter used"),
    "health": N_("Health"),
    "injured": N_("Injured"),
    "injuries": N_("Injuries"),
    "medical_needs": N_("Medical needs"),
    "medical_notes": N_("Medical needs"),
    "complaints": N_("Complaints about treatment"),
    "told_reason": N_("Told the reason for the arrest"),
    "advised_rights": N_("Advised of rights"),
    "family_notice": N_("Family may be told"),
    "employer_notice": N_("Employer may be told"),
    "wish": N_("Wishes"),
    "counsel_wanted": N_("Wants counsel"),
    "property_held": N_("Property held by the host authority"),
    "property_left": N_("Property left at the worksite or hotel"),
    "notes": N_("Notes"),
}


@router.get("/incidents/{incident_id}/interviews", response_class=HTMLResponse)
def roster_page(
    request: Request,
    db: DB,
    session: SignedIn,
    incident_id: str,
    numbers: str = "",
    facility: str = "",
    date: str = "",
    saved: int | None = None,
) -> Response:
    return _screen(
        request,
        db,
        session,
        incident_id,
        numbers=numbers[:2000],
        facility=facility[:200],
        day=date[:10],
        saved=saved,
    )


def _refused(refusal: Refusal) -> Response:
    """The screen again, with what was typed and each problem beside its field."""
    typed = refusal.typed
    return _screen(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("incident_id"),
        numbers=typed.get("numbers", ""),
        facility=typed.get("facility", ""),
        day=typed.get("date", ""),
        status_code=refusal.error.status_code,
        error=refusal.error,
        typed=typed,
    )


@router.post("/incidents/{incident_id}/interviews")
@refused_with(_refused)
def roster_save(
    request: Request, db: DB, session: SignedIn, incident_id: str, form: RosterForm
) -> Response:
    """Save every row typed, all in one transaction, or none and say why by row."""
    token = form.get("csrf_token")
    if not form_ok(request, session, token if isinstance(token, str) else ""):
        raise FormExpired()
    typed = {name: value for name, value in form.items() if isinstance(value, str)}
    wanted, bad = parse_numbers(typed.get("numbers", ""))
    if bad or len(wanted) > MAX_ROWS:
        raise InvalidInput(
            "interview.bad_numbers",
            N_("The case numbers could not be read: %(parts)s"),
            parts=", ".join(bad) or str(len(wanted)),
        )
    rows = [_row_input(typed, n) for n in wanted if not _is_blank(typed, n)]
    visit = Visit(
        facility=typed.get("facility", ""),
        held_on=typed.get("date", ""),
        interviewer=typed.get("interviewer", ""),
    )
    record_interviews(db, actor_of(session), incident_id, visit, rows)
    query = urlencode(
        {
            "numbers": typed.get("numbers", ""),
            "facility": visit.facility,
            "date": visit.held_on,
            "saved": len(rows),
        }
    )
    return RedirectResponse(f"/incidents/{incident_id}/interviews?{query}", status_code=303)


@router.get("/cases/{case_id}/interviews", response_class=HTMLResponse)
def case_interviews_page(request: Request, db: DB, session: SignedIn, case_id: str) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    interviews = interviews_of(db, actor, case_id)
    case = db.get_one(Case, case_id)
    return page.render(
        request, "case_interviews.html", case=case, interviews=interviews, labels=labels
    )


@router.get("/incidents/{incident_id}/interviews.csv")
def interviews_csv(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    """The incident's interviews counted per facility, for headquarters."""
    page, _ = page_for(request, session)
    result = summary(db, actor_of(session), incident_id)
    gettext = translations(page.language).gettext
    header = [gettext("Facility"), *(gettext(name) for name in MEASURES.values())]
    return csv_download(csv_rows(result, header, gettext("Total")), "interviews-summary.csv")


@case_section(40, "case_interview.html")
def case_interview_section(db: Session, session: WebSession, case: Case) -> dict[str, Any]:
    """The latest interview of the case, and how many came before it."""
    interviews = interviews_of(db, actor_of(session), case.id)
    return {"latest": interviews[0] if interviews else None, "count": len(interviews)}
