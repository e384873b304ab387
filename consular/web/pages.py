"""Rendering pages: one Jinja2 environment per language, with the user's time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from consular.audit.history import event_lines
from consular.cases.models import Case, CaseNote, CustodyEvent
from consular.cases.notes import shown_note
from consular.codes import code_label
from consular.fields import field_label, limit_of
from consular.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    choose_language,
    language_name,
    local_time,
    translations,
)
from consular.i18n.message import shown
from consular.i18n.particles import with_particles
from consular.phones import shown_phone

_CONSULAR = Path(__file__).parents[1]
# The shell's templates (base, error page, shared labels), then each domain's own; a
# template's name is unique across them all (a test checks it).
TEMPLATE_FOLDERS = (
    _CONSULAR / "web" / "templates",
    *sorted(
        folder
        for folder in _CONSULAR.glob("*/templates")
        if folder.is_dir() and folder.parent.name != "web"
    ),
)
STATIC = Path(__file__).parent / "static"


def _with_particles(gettext: Callable[..., str]) -> Callable[..., str]:
    """The template's gettext, its sentence's Korean particles chosen once the values are in."""

    @pass_context
    def translated(context: Context, *args: Any, **variables: Any) -> str:
        text = gettext(context, *args, **variables)
        return type(text)(with_particles(str(text)))  # Markup stays Markup

    return translated


def _reason(said: object, gettext: Callable[[str], str]) -> str:
    """A refusal in the reader's language: a message (or an error carrying one, or one stored
    with a report) translated; anything else as it is."""
    if isinstance(said, dict) and "template" not in said and "message" in said:
        said = said["message"]  # a row problem stored before messages kept their code
    return shown(said, gettext)


@lru_cache(maxsize=len(LANGUAGES))
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_FOLDERS),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalog = translations(language)
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    for name in ("gettext", "_", "ngettext", "pgettext", "npgettext"):
        env.globals[name] = _with_particles(env.globals[name])  # type: ignore[arg-type]
    env.filters["reason"] = lambda said: _reason(said, catalog.gettext)
    env.globals["field_label"] = lambda key: shown(field_label(key), catalog.gettext)
    env.globals["event_lines"] = partial(event_lines, gettext=catalog.gettext, language=language)
    env.filters["note_shown"] = lambda note: shown(shown_note(note), catalog.gettext)
    env.filters["phone"] = shown_phone
    env.globals["languages"] = [(code, language_name(code)) for code in LANGUAGES]
    env.globals["code_label"] = lambda kind, code: code_label(kind, code, language)
    env.filters["phone"] = shown_phone
    # The browser is told the columns' bounds; the server checks them all the same.
    env.globals["limits"] = {
        "special_needs": limit_of(Case.special_needs),
        "note": limit_of(CaseNote.body),
        "facility": limit_of(CustodyEvent.facility),
    }
    return env


@dataclass
class Page:
    """What every page needs: the language, the signed-in user (if any), the form token."""

    language: str
    user: Any = None
    csrf_token: str = ""
    time_zone: str = "UTC"
    # The badge beside "My work": the officer's checklist items due soon or overdue.
    due_count: int | None = None
    due_link: str | None = None

    def when(self, moment: datetime | None) -> str:
        """A moment in the post's time zone, with the zone shown: 2025-09-04 14:00 EDT."""
        if moment is None:
            return ""
        return local_time(moment, self.time_zone, self.language)

    def render(
        self, request: Request, template: str, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        env = environment(self.language)
        body = env.get_template(template).render(
            page=self, request=request, path=request.url.path, **values
        )
        response = HTMLResponse(body, status_code=status_code)
        response.headers["Content-Language"] = self.language
        response.headers["Cache-Control"] = "no-store"
        return response


def request_language(request: Request) -> str:
    return choose_language(
        request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    )
