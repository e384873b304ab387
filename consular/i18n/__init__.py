"""Korean and English: gettext catalogs read from the package's .po files, and the formats.

The ground floor of the product: any domain may import it, and it imports nothing of the
product. The catalogs are compiled in memory when first used, so no build step and no
binary file is needed. The language is the one the user chose (a cookie), else the
browser's ``Accept-Language``, else Korean.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, negotiate_locale
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
LANGUAGE_COOKIE = "consular_lang"
TRANSLATIONS = Path(__file__).parent / "translations"


def N_(message: str) -> str:
    """Mark a sentence for the catalogs; it is translated when shown."""
    return message


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    """The user's choice if it is one we have, else the browser's preference, else Korean."""
    if cookie in LANGUAGES:
        return cookie
    wanted = []
    for part in (accept_language or "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag:
            wanted.append((weight, tag.replace("_", "-")))
    preferred = [tag for _, tag in sorted(wanted, key=lambda item: -item[0])]
    return negotiate_locale(preferred, LANGUAGES, sep="-") or DEFAULT_LANGUAGE


def language_name(language: str) -> str:
    """The language's own name: 한국어, English."""
    return Locale.parse(language).get_display_name(language) or language


def local_time(moment: datetime, time_zone: str, language: str) -> str:
    """A moment in a post's time zone, with the zone shown: 2025-09-04 14:00 EDT."""
    local = moment.astimezone(ZoneInfo(time_zone))
    return format_datetime(local, "yyyy-MM-dd HH:mm zzz", locale=language)
