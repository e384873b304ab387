"""The web application: JSON API under /api/v1, one unit of work per request."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from consular import __version__
from consular.api_schema import ErrorCode
from consular.auth.account_pages import router as account_pages
from consular.auth.pages import router as auth_pages
from consular.cases.api import router as cases_router
from consular.cases.bulk_api import router as bulk_router
from consular.cases.bulk_pages import router as bulk_pages
from consular.cases.pages import router as case_pages
from consular.cases.worklist_api import router as worklist_router
from consular.cases.worklist_pages import router as worklist_pages
from consular.config import Settings, UnsafeSettings, get_settings, unsafe_settings
from consular.db import is_busy, make_engine, make_session_factory
from consular.documents.api import router as documents_router
from consular.documents.pages import router as document_pages
from consular.errors import DomainError
from consular.facilities.api import router as facilities_router
from consular.facilities.pages import router as facility_pages
from consular.families.pages import router as status_pages
from consular.flights.api import router as flights_router
from consular.flights.pages import router as flight_pages
from consular.hotline.api import router as hotline_router
from consular.hotline.pages import router as hotline_pages
from consular.incidents.api import router as incidents_router
from consular.incidents.import_pages import router as import_pages
from consular.incidents.lifecycle_pages import router as lifecycle_pages
from consular.incidents.list_change_pages import router as list_change_pages
from consular.incidents.opening_pages import router as opening_pages
from consular.incidents.pages import router as incident_pages
from consular.incidents.search_api import router as incident_search_router
from consular.incidents.search_pages import router as incident_search_pages
from consular.incidents.team_api import router as team_router
from consular.incidents.team_pages import router as team_pages
from consular.incidents.timeline_api import router as timeline_router
from consular.incidents.timeline_pages import router as timeline_pages
from consular.interviews.api import router as interviews_router
from consular.interviews.pages import router as interview_pages
from consular.keys.service import check_keys
from consular.notifications.broadcast_api import router as broadcast_router
from consular.notifications.broadcast_pages import router as broadcast_pages
from consular.notifications.pages import router as notification_pages
from consular.reentry.api import router as reentry_api_router
from consular.reentry.pages import router as reentry_pages
from consular.referrals.api import router as referrals_api_router
from consular.referrals.pages import router as referral_pages
from consular.registry.api import router as persons_router
from consular.registry.pages import router as registry_pages
from consular.screening.api import router as screening_router
from consular.screening.pages import router as deployment_pages
from consular.sealing import KeyProblem, install, source_of
from consular.visits.api import router as visits_router
from consular.visits.pages import router as visit_pages
from consular.web.access import (
    FormExpired,
    SignInRequired,
    form_expired,
    refused_page,
    sign_in_required,
)
from consular.web.limits import RequestBodyLimit
from consular.web.pages import STATIC, Page, request_language
from consular.web.security_headers import SecurityHeaders, security_headers

API_PREFIX = "/api/v1"
# The API's answer to an error the framework raises (a body it cannot parse, a method the
# path does not take): its status's code in the one error schema.
_HTTP_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHENTICATED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.TOO_LARGE,
    422: ErrorCode.INVALID_INPUT,
}


def create_app(settings: Settings | None = None, *, check_settings: bool = True) -> FastAPI:
    """The application; refuses (:class:`UnsafeSettings`) settings unfit for real people.

    Only the demo passes ``check_settings=False``.
    """
    settings = settings or get_settings()
    problems = unsafe_settings(settings) if check_settings else []
    if problems:
        raise UnsafeSettings("refusing to start: " + "; ".join(problems))
    engine = _checked_engine(settings)
    app = FastAPI(
        title="consular",
        version=__version__,
        description="Registry, incidents, source lists and consular cases.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        # The interactive docs page loads its scripts from a CDN; the post's network may
        # have no internet, so only the OpenAPI document is served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    # Before routing and sign-in: no request makes the server read more than the cap.
    app.add_middleware(RequestBodyLimit, max_bytes=settings.max_request_bytes)
    _include_routes(app)
    app.add_middleware(SecurityHeaders)
    _handle_page_errors(app)
    _handle_errors(app, settings)
    return app


def _checked_engine(settings: Settings) -> Engine:
    """The database's engine, once the data key is known to be the one it was sealed with."""
    engine = make_engine(
        settings.database_url, busy_timeout_ms=int(settings.busy_timeout_seconds * 1000)
    )
    # Always, the demo too: without the right data key no identifier can be read or written.
    keys = source_of(settings)
    try:
        check_keys(engine, keys)
    except KeyProblem as exc:
        engine.dispose()
        raise UnsafeSettings(f"refusing to start: {exc}") from None
    install(keys)
    return engine


def _include_routes(app: FastAPI) -> None:
    api = APIRouter(prefix=API_PREFIX)
    for routes in (
        persons_router,
        incidents_router,
        incident_search_router,
        team_router,
        timeline_router,
        cases_router,
        worklist_router,
        bulk_router,
        screening_router,
        reentry_api_router,
        documents_router,
        referrals_api_router,
        broadcast_router,
        flights_router,
        facilities_router,
        visits_router,
        interviews_router,
        hotline_router,
    ):
        api.include_router(routes)

    @api.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    # The public status page first: the busiest page, found without trying the others.
    app.include_router(status_pages)
    app.include_router(api)
    # Each domain's pages (their paths do not overlap but for one, said below).
    for pages in (
        auth_pages,
        account_pages,
        # Before the incident's page, whose /incidents/{id} would take /incidents/new.
        opening_pages,
        incident_pages,
        incident_search_pages,
        case_pages,
        worklist_pages,
        bulk_pages,
        registry_pages,
        notification_pages,
        broadcast_pages,
        import_pages,
        list_change_pages,
        lifecycle_pages,
        team_pages,
        timeline_pages,
        flight_pages,
        visit_pages,
        reentry_pages,
        referral_pages,
        deployment_pages,
        document_pages,
        interview_pages,
        facility_pages,
        hotline_pages,
    ):
        app.include_router(pages)
    # The pages' own stylesheets; nothing is loaded from elsewhere.
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(API_PREFIX)


def _handle_page_errors(app: FastAPI) -> None:
    """What the pages' typed dependencies raise, and a refusal of the domain on a page."""
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(FormExpired, form_expired)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> Response:
        if _is_page(request):
            return await refused_page(request, exc)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_page(request):
            if exc.status_code == 404:
                page = Page(request_language(request))
                return page.render(request, "error.html", status_code=404, kind="not_found")
            return await http_exception_handler(request, exc)
        # The API's refusals all have one shape (consular.api_schema.ErrorRead).
        code = _HTTP_CODES.get(exc.status_code, ErrorCode.BAD_REQUEST)
        return JSONResponse(
            {"error": code, "message": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        if _is_page(request):
            # An address edited by hand (page=0, page=99999999999): say which value, as a page.
            names = sorted({str(e["loc"][-1]) for e in exc.errors() if e["loc"]})
            kind = "bad_address" if request.method in ("GET", "HEAD") else "bad_form"
            page = Page(request_language(request))
            return page.render(request, "error.html", status_code=422, kind=kind, names=names)
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return JSONResponse(
            {"error": "invalid_input", "message": f"invalid request: {summary}", "fields": errors},
            status_code=422,
        )


def _handle_errors(app: FastAPI, settings: Settings) -> None:
    """The unexpected, a busy database and a record changed meanwhile, on pages and the API."""

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        # The traceback goes to the server's log (uvicorn logs it); the person gets a page.
        # This answer is made outside the middleware, so it gets its headers here.
        headers = security_headers(request.url.path)
        if _is_page(request):
            page = Page(request_language(request))
            response = page.render(request, "error.html", status_code=500, kind="error")
            response.headers.update(headers)
            return response
        return JSONResponse(
            {"error": "internal", "message": "unexpected error; nothing was saved"},
            status_code=500,
            headers=headers,
        )

    @app.exception_handler(DBAPIError)
    def _database_error(request: Request, exc: DBAPIError) -> Response:
        if not is_busy(exc):
            return _unexpected(request, exc)
        # Other work holds the database: nothing was saved, and trying again will do.
        headers = {"Retry-After": str(settings.busy_retry_after_seconds)}
        if _is_page(request):
            page = Page(request_language(request))
            response = page.render(request, "error.html", status_code=503, kind="busy")
            response.headers.update(headers)
            return response
        return JSONResponse(
            {
                "error": "busy",
                "message": "the database is busy with other work; nothing was saved; "
                f"try again in {settings.busy_retry_after_seconds} seconds",
            },
            status_code=503,
            headers=headers,
        )

    @app.exception_handler(StaleDataError)
    def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        return JSONResponse(
            {
                "error": "conflict",
                "message": "the record was changed by someone else at the same time; reload it",
            },
            status_code=409,
        )
