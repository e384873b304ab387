"""The import wizard: upload a list, choose its columns, correct its rows, reconcile, review
the doubtful rows side by side, commit. Nothing joins the incident before the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from consular.auth.models import WebSession
from consular.auth.service import Actor
from consular.auth.sessions import actor_of
from consular.errors import Conflict, DomainError, InvalidInput, NotFound
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
from consular.web.common import not_found, page_for, signed_in, signed_in_form, submit
from consular.web.deps import DB, ReadDB, write_unit
from consular.web.limits import UploadLimits

router = APIRouter(include_in_schema=False)

# Rows without errors shown on the check page, to see that the columns were read right.
SAMPLE_ROWS = 10
# Matched rows listed on the review page (the count says how many there are in all).
MATCHED_SHOWN = 500


def _upload_page(
    request: Request,
    db: DB,
    session: WebSession,
    incident_id: str,
    *,
    status_code: int = 200,
    error: str | DomainError | None = None,
    kind: str = ListKind.HOST_AUTHORITY.value,
) -> Response:
    page, _ = page_for(request, session)
    actor = actor_of(session)
    try:
        incident, _kind = check_import(db, actor, incident_id, kind)
    except NotFound:
        return not_found(request, page)
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
def upload_form(request: Request, db: DB, incident_id: str) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _upload_page(request, db, session, incident_id)


@router.post("/incidents/{incident_id}/imports", response_class=HTMLResponse)
def upload_submit(
    request: Request,
    db: DB,
    incident_id: str,
    limits: UploadLimits,
    file: Annotated[UploadFile | None, File()] = None,
    kind: Annotated[str, Form()] = ListKind.HOST_AUTHORITY.value,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session

    def refused(reason: str | DomainError, status_code: int = 422) -> Response:
        db.rollback()
        return _upload_page(
            request, db, session, incident_id, status_code=status_code, error=reason, kind=kind
        )

    if file is None or not file.filename:
        return refused("no_file")
    try:
        table = read_upload(file.file, file.filename, limits)
        draft = start_draft(db, actor_of(session), incident_id, kind, table)
    except NotFound:
        db.rollback()
        page, _ = page_for(request, session)
        return not_found(request, page)
    except (Conflict, InvalidInput) as exc:
        return refused(exc, exc.status_code)
    return RedirectResponse(f"/imports/{draft.id}/columns", status_code=303)


def _imported(incident_id: str, source_list_id: str) -> Response:
    """To the incident's page, which says what the import brought."""
    return RedirectResponse(f"/incidents/{incident_id}?imported={source_list_id}", 303)


def _draft_page(
    request: Request,
    db: DB,
    session: WebSession,
    draft_id: str,
    render: Callable[[ImportDraft, Incident], dict[str, Any] | Response],
    template: str,
    status_code: int = 200,
) -> Response:
    """A page of one of the user's drafts; anyone else's, or an old one, is not found."""
    page, _ = page_for(request, session)
    try:
        draft = get_draft(db, actor_of(session), draft_id)
    except NotFound:
        return not_found(request, page)
    if draft.source_list_id is not None:
        return _imported(draft.incident_id, draft.source_list_id)
    incident = db.get(Incident, draft.incident_id)
    assert incident is not None
    values = render(draft, incident)
    if isinstance(values, Response):
        return values
    return page.render(
        request,
        template,
        status_code=status_code,
        draft=draft,
        incident=incident,
        **values,
    )


def _draft_get(
    request: Request,
    db: DB,
    draft_id: str,
    render: Callable[[ImportDraft, Incident], dict[str, Any] | Response],
    template: str,
) -> Response:
    session = signed_in(request, db)
    if isinstance(session, Response):
        return session
    return _draft_page(request, db, session, draft_id, render, template)


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
def columns_form(request: Request, db: DB, draft_id: str) -> Response:
    return _draft_get(
        request,
        db,
        draft_id,
        lambda draft, _incident: _columns_values(draft),
        "import_columns.html",
    )


@router.post("/imports/{draft_id}/columns", response_class=HTMLResponse)
async def columns_submit(request: Request, db: DB, draft_id: str) -> Response:
    form = await request.form()
    values = {key: str(value) for key, value in form.items()}
    session = signed_in_form(request, db, values.get("csrf_token", ""))
    if isinstance(session, Response):
        return session
    page, _ = page_for(request, session)
    try:
        draft = get_draft(db, actor_of(session), draft_id)
    except NotFound:
        return not_found(request, page)
    mapping = {
        column: values.get(f"field-{index}", "") for index, column in enumerate(draft.columns)
    }
    _, errors = check_columns(mapping)
    if not errors:
        try:
            set_columns(db, draft, values.get("kind", ""), mapping, values.get("date_format", ""))
        except InvalidInput as exc:
            db.rollback()
            draft = get_draft(db, actor_of(session), draft_id)
            errors = [RowError(1, "", exc.message)]
    if errors:
        incident = db.get(Incident, draft.incident_id)
        return page.render(
            request,
            "import_columns.html",
            status_code=422,
            draft=draft,
            incident=incident,
            **_columns_values(draft, mapping, errors),
        )
    return RedirectResponse(f"/imports/{draft_id}/preview", status_code=303)


def _preview_values(db: DB, draft: ImportDraft, error: DomainError | None = None) -> dict[str, Any]:
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
def preview_page(request: Request, db: DB, draft_id: str) -> Response:
    return _draft_get(
        request,
        db,
        draft_id,
        lambda draft, _incident: _preview_values(db, draft),
        "import_preview.html",
    )


def _refused_on(
    request: Request, db: DB, draft_id: str, template: str, values: Callable[..., dict[str, Any]]
) -> Callable[[WebSession, DomainError], Response]:
    def refused(session: WebSession, error: DomainError) -> Response:
        return _draft_page(
            request,
            db,
            session,
            draft_id,
            lambda draft, _incident: values(db, draft, error),
            template,
            status_code=error.status_code,
        )

    return refused


def _change_draft(
    request: Request,
    db: DB,
    draft_id: str,
    csrf_token: str,
    change: Callable[[Actor, ImportDraft], object],
    done: str,
    template: str,
    values: Callable[..., dict[str, Any]],
) -> Response:
    return submit(
        request,
        db,
        csrf_token,
        lambda actor: change(actor, get_draft(db, actor, draft_id)),
        done,
        _refused_on(request, db, draft_id, template, values),
    )


@router.post("/imports/{draft_id}/rows/{row_number}")
async def row_correct(request: Request, db: DB, draft_id: str, row_number: int) -> Response:
    form = await request.form()
    values = {key: str(value) for key, value in form.items()}

    def change(actor: Actor, draft: ImportDraft) -> None:
        typed = {
            column: values[f"cell-{index}"]
            for index, column in enumerate(draft.columns)
            if f"cell-{index}" in values
        }
        correct_row(db, draft, row_number, typed)

    return _change_draft(
        request,
        db,
        draft_id,
        values.get("csrf_token", ""),
        change,
        f"/imports/{draft_id}/preview#row-{row_number}",
        "import_preview.html",
        _preview_values,
    )


@router.post("/imports/{draft_id}/leave-out")
def leave_out_submit(
    request: Request,
    db: DB,
    draft_id: str,
    leave_out: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_draft(
        request,
        db,
        draft_id,
        csrf_token,
        lambda _actor, draft: leave_out_invalid(db, draft, leave_out == "1"),
        f"/imports/{draft_id}/preview",
        "import_preview.html",
        _preview_values,
    )


@router.post("/imports/{draft_id}/reconcile")
def reconcile_submit(
    request: Request, db: ReadDB, draft_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    # Matching a large list takes minutes: it reads only, and the links are kept after in a
    # short transaction, so nobody else waits for the write lock meanwhile.
    def reconcile(actor: Actor) -> None:
        reconciled = compute_links(db, get_draft(db, actor, draft_id))
        with write_unit(request) as writing:
            keep_links(writing, get_draft(writing, actor, draft_id), reconciled)

    return submit(
        request,
        db,
        csrf_token,
        reconcile,
        f"/imports/{draft_id}/review",
        _refused_on(request, db, draft_id, "import_preview.html", _preview_values),
    )


def _review_values(db: DB, draft: ImportDraft, error: DomainError | None = None) -> dict[str, Any]:
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
def review_page(request: Request, db: DB, draft_id: str) -> Response:
    def values(draft: ImportDraft, _incident: Incident) -> dict[str, Any] | Response:
        if draft.links is None:
            # Changed since it was reconciled (or never reconciled): back to the check.
            return RedirectResponse(f"/imports/{draft_id}/preview", status_code=303)
        return _review_values(db, draft)

    return _draft_get(request, db, draft_id, values, "import_review.html")


@router.post("/imports/{draft_id}/review/{row_number}")
def review_decide(
    request: Request,
    db: DB,
    draft_id: str,
    row_number: int,
    action: Annotated[str, Form()] = "",
    person_id: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    return _change_draft(
        request,
        db,
        draft_id,
        csrf_token,
        lambda actor, draft: decide_in_draft(
            db, actor, draft, row_number, action, person_id or None
        ),
        f"/imports/{draft_id}/review#row-{row_number}",
        "import_review.html",
        _review_values,
    )


def _finish(
    request: Request,
    db: DB,
    draft_id: str,
    csrf_token: str,
    act: Callable[[Actor, ImportDraft], str],
) -> Response:
    """Commit or cancel a draft, then go where ``act`` says; a refusal shows the review."""
    session = signed_in_form(request, db, csrf_token)
    if isinstance(session, Response):
        return session
    actor = actor_of(session)
    incident_id = ""
    try:
        draft = get_draft(db, actor, draft_id)
        incident_id = draft.incident_id
        target = act(actor, draft)
    except NotFound:
        db.rollback()
        page, _ = page_for(request, session)
        return not_found(request, page)
    except AlreadyCommitted as exc:
        db.rollback()
        return _imported(incident_id, exc.source_list_id)
    except (Conflict, InvalidInput) as exc:
        db.rollback()
        refused = _refused_on(request, db, draft_id, "import_review.html", _review_values)
        return refused(session, exc)
    return RedirectResponse(target, status_code=303)


@router.post("/imports/{draft_id}/commit")
def commit_submit(
    request: Request, db: DB, draft_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    def commit(actor: Actor, draft: ImportDraft) -> str:
        incident_id = draft.incident_id
        report = commit_draft(db, actor, draft)
        return _imported(incident_id, report.source_list_id or "").headers["location"]

    return _finish(request, db, draft_id, csrf_token, commit)


@router.post("/imports/{draft_id}/cancel")
def cancel_submit(
    request: Request, db: DB, draft_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    def cancel(actor: Actor, draft: ImportDraft) -> str:
        incident_id = draft.incident_id
        cancel_draft(db, actor, draft)
        return f"/incidents/{incident_id}"

    return _finish(request, db, draft_id, csrf_token, cancel)
