"""The import wizard: upload a list, choose its columns, correct its rows, reconcile, review
the doubtful rows side by side, commit. Nothing joins the incident before the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from consular.auth.models import WebSession
from consular.auth.sessions import actor_of
from consular.errors import DomainError
from consular.fields import RowError
from consular.importing import read_upload
from consular.incidents.drafts import (
    AlreadyCommitted,
    cancel_draft,
    check_draft,
    commit_draft,
    compute_links,
    correct_row,
    decide_in_draft,
    draft_table,
    drafts_of,
    get_draft,
    keep_links,
    leave_out_invalid,
    set_columns,
    start_draft,
)
from consular.incidents.listrows import DATE_FORMATS, FIELDS, check_columns
from consular.incidents.models import ImportDraft, Incident
from consular.incidents.schemas import ListKind
from consular.incidents.service import check_import
from consular.web.access import (
    CheckedForm,
    ReadingCheckedForm,
    Refusal,
    RefusalPage,
    SignedIn,
    refused_with,
)
from consular.web.common import page_for
from consular.web.deps import DB, ReadDB, write_unit
from consular.web.limits import UploadLimits

router = APIRouter(include_in_schema=False)

# Rows without errors shown on the check page, to see that the columns were read right.
SAMPLE_ROWS = 10
# Matched rows listed on the review page (the count says how many there are in all).
MATCHED_SHOWN = 500


def _upload_page(
    request: Request,
    db: Session,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: DomainError | str | None = None,
    kind: str = ListKind.HOST_AUTHORITY.value,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    incident, _kind = check_import(db, actor, incident_id, kind)
    return page.render(
        request,
        "import_upload.html",
        status_code=status_code,
        incident=incident,
        kinds=[k.value for k in ListKind],
        kind=kind,
        drafts=drafts_of(db, actor, incident.id),
        error=error,
        step="upload",
    )


@router.get("/incidents/{incident_id}/imports/new", response_class=HTMLResponse)
def upload_form(request: Request, db: DB, session: SignedIn, incident_id: str) -> Response:
    return _upload_page(request, db, session, incident_id)


def _upload_refused(refusal: Refusal) -> Response:
    return _upload_page(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("incident_id"),
        status_code=refusal.error.status_code,
        error=refusal.error,
        kind=refusal.typed.get("kind", ListKind.HOST_AUTHORITY.value),
    )


@router.post("/incidents/{incident_id}/imports", response_class=HTMLResponse)
@refused_with(_upload_refused)
def upload_submit(
    request: Request,
    db: DB,
    session: CheckedForm,
    incident_id: str,
    limits: UploadLimits,
    file: Annotated[UploadFile | None, File()] = None,
    kind: Annotated[str, Form()] = ListKind.HOST_AUTHORITY.value,
) -> Response:
    if file is None or not file.filename:
        return _upload_page(
            request, db, session, incident_id, status_code=422, error="no_file", kind=kind
        )
    table = read_upload(file.file, file.filename, limits)
    draft = start_draft(db, actor_of(session), incident_id, kind, table)
    return RedirectResponse(f"/imports/{draft.id}/columns", status_code=303)


def _imported(incident_id: str, source_list_id: str) -> Response:
    """To the incident's page, which says what the import brought."""
    return RedirectResponse(f"/incidents/{incident_id}?imported={source_list_id}", 303)


def _draft_page(
    request: Request,
    db: Session,
    session: WebSession,
    draft_id: str,
    render: Callable[[ImportDraft, Incident], dict[str, Any]],
    template: str,
    status_code: int = 200,
) -> Response:
    """A page of one of the user's drafts; anyone else's, or an old one, is not found."""
    page, _ = page_for(request, session)
    draft = get_draft(db, actor_of(session), draft_id)
    if draft.source_list_id is not None:
        return _imported(draft.incident_id, draft.source_list_id)
    incident = db.get(Incident, draft.incident_id)
    assert incident is not None
    return page.render(
        request,
        template,
        status_code=status_code,
        draft=draft,
        incident=incident,
        **render(draft, incident),
    )


def _columns_values(
    draft: ImportDraft, mapping: dict[str, str] | None = None, errors: Any = None
) -> dict[str, Any]:
    table = draft_table(draft)
    chosen = mapping if mapping is not None else draft.mapping
    if errors is None:
        _, errors = check_columns(chosen)
    return {
        "columns": [
            {
                "index": index,
                "name": column,
                "field": chosen.get(column, ""),
                "samples": [row.values.get(column, "") for row in table.rows[:3]],
            }
            for index, column in enumerate(draft.columns)
        ],
        "fields": FIELDS,
        "date_formats": DATE_FORMATS,
        "kinds": [k.value for k in ListKind],
        "errors": errors,
        "step": "columns",
    }


@router.get("/imports/{draft_id}/columns", response_class=HTMLResponse)
def columns_form(request: Request, db: DB, session: SignedIn, draft_id: str) -> Response:
    return _draft_page(
        request,
        db,
        session,
        draft_id,
        lambda draft, _incident: _columns_values(draft),
        "import_columns.html",
    )


def _mapping(draft: ImportDraft, typed: Mapping[str, str]) -> dict[str, str]:
    """The field chosen for each of the draft's columns (``field-0``, ``field-1``, …)."""
    return {column: typed.get(f"field-{index}", "") for index, column in enumerate(draft.columns)}


def _columns_refused(refusal: Refusal) -> Response:
    def values(draft: ImportDraft, _incident: Incident) -> dict[str, Any]:
        errors = [RowError(1, "", refusal.error.message)]
        return _columns_values(draft, _mapping(draft, refusal.typed), errors)

    return _draft_page(
        refusal.request,
        refusal.db,
        refusal.session,
        refusal.path_param("draft_id"),
        values,
        "import_columns.html",
        status_code=422,
    )


@router.post("/imports/{draft_id}/columns", response_class=HTMLResponse)
@refused_with(_columns_refused)
async def columns_submit(request: Request, db: DB, session: CheckedForm, draft_id: str) -> Response:
    form = await request.form()
    values = {key: str(value) for key, value in form.items()}
    draft = get_draft(db, actor_of(session), draft_id)
    mapping = _mapping(draft, values)
    _, errors = check_columns(mapping)
    if errors:
        # Nothing was changed: the choice is shown again, with its errors.
        page, _ = page_for(request, session)
        return page.render(
            request,
            "import_columns.html",
            status_code=422,
            draft=draft,
            incident=db.get(Incident, draft.incident_id),
            **_columns_values(draft, mapping, errors),
        )
    set_columns(db, draft, values.get("kind", ""), mapping, values.get("date_format", ""))
    return RedirectResponse(f"/imports/{draft_id}/preview", status_code=303)


def _preview_values(
    db: Session, draft: ImportDraft, error: DomainError | None = None
) -> dict[str, Any]:
    checked = check_draft(db, draft)
    table = draft_table(draft)
    used = [
        (index, column) for index, column in enumerate(draft.columns) if draft.mapping.get(column)
    ]
    bad = [row for row in table.rows if row.number in checked.by_row]
    warned = [row for row in table.rows if row.number in checked.warnings_by_row]
    corrected = [
        row
        for row in table.rows
        if str(row.number) in draft.corrections and row.number not in checked.by_row
    ]
    good = [row for row in table.rows if row.number not in checked.by_row][:SAMPLE_ROWS]
    # A column wrong on most rows is a wrong choice of column or date format, not bad rows.
    wrong_rows: dict[str, set[int]] = {}
    for problem in [*checked.errors, *checked.warnings]:
        wrong_rows.setdefault(problem.column, set()).add(problem.row)
    suspect = sorted(c for c, rows in wrong_rows.items() if len(rows) * 2 > len(table.rows))
    return {
        "checked": checked,
        "used": used,
        "bad": bad,
        "warned": warned,
        "corrected": corrected,
        "sample": good,
        "suspect": suspect,
        "total": len(table.rows),
        "error": error,
        "step": "preview",
    }


@router.get("/imports/{draft_id}/preview", response_class=HTMLResponse)
def preview_page(request: Request, db: DB, session: SignedIn, draft_id: str) -> Response:
    return _draft_page(
        request,
        db,
        session,
        draft_id,
        lambda draft, _incident: _preview_values(db, draft),
        "import_preview.html",
    )


def _refused_on(template: str, values: Callable[..., dict[str, Any]]) -> RefusalPage:
    """The draft's page ``template`` with the refusal said, its values from ``values``."""

    def refused(refusal: Refusal) -> Response:
        return _draft_page(
            refusal.request,
            refusal.db,
            refusal.session,
            refusal.path_param("draft_id"),
            lambda draft, _incident: values(refusal.db, draft, refusal.error),
            template,
            status_code=refusal.error.status_code,
        )

    return refused


_preview_refused = _refused_on("import_preview.html", _preview_values)


@router.post("/imports/{draft_id}/rows/{row_number}")
@refused_with(_preview_refused)
async def row_correct(
    request: Request, db: DB, session: CheckedForm, draft_id: str, row_number: int
) -> Response:
    form = await request.form()
    draft = get_draft(db, actor_of(session), draft_id)
    typed = {
        column: str(form[f"cell-{index}"])
        for index, column in enumerate(draft.columns)
        if f"cell-{index}" in form
    }
    correct_row(db, draft, row_number, typed)
    return RedirectResponse(f"/imports/{draft_id}/preview#row-{row_number}", status_code=303)


@router.post("/imports/{draft_id}/leave-out")
@refused_with(_preview_refused)
def leave_out_submit(
    db: DB, session: CheckedForm, draft_id: str, leave_out: Annotated[str, Form()] = ""
) -> Response:
    leave_out_invalid(db, get_draft(db, actor_of(session), draft_id), leave_out == "1")
    return RedirectResponse(f"/imports/{draft_id}/preview", status_code=303)


@router.post("/imports/{draft_id}/reconcile")
@refused_with(_preview_refused)
def reconcile_submit(
    request: Request, db: ReadDB, session: ReadingCheckedForm, draft_id: str
) -> Response:
    # Matching a large list takes minutes: it reads only, and the links are kept after in a
    # short transaction, so nobody else waits for the write lock meanwhile.
    actor = actor_of(session)
    reconciled = compute_links(db, get_draft(db, actor, draft_id))
    with write_unit(request) as writing:
        keep_links(writing, get_draft(writing, actor, draft_id), reconciled)
    return RedirectResponse(f"/imports/{draft_id}/review", status_code=303)


def _review_values(
    db: Session, draft: ImportDraft, error: DomainError | None = None
) -> dict[str, Any]:
    table = draft_table(draft)
    links = draft.links or {}
    by_number = {row.number: row for row in table.rows}
    doubtful, matched = [], []
    for number, link in sorted(links.items(), key=lambda item: int(item[0])):
        row = by_number[int(number)]
        values = {draft.mapping.get(c) or c: v for c, v in row.values.items() if v}
        item = {"number": int(number), "values": values, "link": link}
        if link["decision"] == "review":
            item["decision"] = draft.decisions.get(number)
            doubtful.append(item)
        else:
            matched.append(item)
    checked = check_draft(db, draft)
    decided = sum(1 for item in doubtful if item["decision"])
    return {
        "doubtful": doubtful,
        "matched": matched[:MATCHED_SHOWN],
        "matched_total": len(matched),
        "left_out": len(checked.by_row),
        "out_of_scope": len(checked.rows) - len(links),
        "decided": decided,
        "error": error,
        "step": "review",
    }


@router.get("/imports/{draft_id}/review", response_class=HTMLResponse)
def review_page(request: Request, db: DB, session: SignedIn, draft_id: str) -> Response:
    draft = get_draft(db, actor_of(session), draft_id)
    if draft.source_list_id is None and draft.links is None:
        # Changed since it was reconciled (or never reconciled): back to the check.
        return RedirectResponse(f"/imports/{draft_id}/preview", status_code=303)
    return _draft_page(
        request,
        db,
        session,
        draft_id,
        lambda draft, _incident: _review_values(db, draft),
        "import_review.html",
    )


_review_refused = _refused_on("import_review.html", _review_values)


@router.post("/imports/{draft_id}/review/{row_number}")
@refused_with(_review_refused)
def review_decide(
    db: DB,
    session: CheckedForm,
    draft_id: str,
    row_number: int,
    action: Annotated[str, Form()] = "",
    person_id: Annotated[str, Form()] = "",
) -> Response:
    actor = actor_of(session)
    draft = get_draft(db, actor, draft_id)
    decide_in_draft(db, actor, draft, row_number, action, person_id or None)
    return RedirectResponse(f"/imports/{draft_id}/review#row-{row_number}", status_code=303)


def _finish_refused(refusal: Refusal) -> Response:
    if isinstance(refusal.error, AlreadyCommitted):
        # Committed by another press of the button: to what the import brought.
        draft = get_draft(refusal.db, actor_of(refusal.session), refusal.path_param("draft_id"))
        return _imported(draft.incident_id, refusal.error.source_list_id)
    return _review_refused(refusal)


@router.post("/imports/{draft_id}/commit")
@refused_with(_finish_refused)
def commit_submit(db: DB, session: CheckedForm, draft_id: str) -> Response:
    actor = actor_of(session)
    draft = get_draft(db, actor, draft_id)
    incident_id = draft.incident_id
    report = commit_draft(db, actor, draft)
    return _imported(incident_id, report.source_list_id or "")


@router.post("/imports/{draft_id}/cancel")
@refused_with(_finish_refused)
def cancel_submit(db: DB, session: CheckedForm, draft_id: str) -> Response:
    actor = actor_of(session)
    draft = get_draft(db, actor, draft_id)
    incident_id = draft.incident_id
    cancel_draft(db, actor, draft)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)
