"""The domain's refusals in the reader's language.

A refusal raised with a code and a template (``consular.errors``) is translated as it is;
the refusals still said as one English sentence (the import wizard, the upload limits, a
list's cells) each have a pattern here and a sentence to translate, with the pattern's parts
put back in. A message without a pattern is shown in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from consular.i18n import N_

_Q = r"'(?P<{}>.*)'"  # a value the message quotes with repr()
_LONG = r"(?P<count>[\d,]+) characters, more than the (?P<limit>[\d,]+) allowed"
# Where in a file a refusal points: the file, maybe its sheet, maybe the row.
_IN_FILE = r"(?P<file>.+?)( \(sheet '(?P<sheet>.*)'\))?(, row (?P<row>\d+))?"

_REASONS = [
    # The import wizard
    (r"accept one of the row's candidates", N_("Choose one of the row's candidates.")),
    (
        r"the list changed since it was reconciled; reconcile it again",
        N_("The list changed since it was reconciled: reconcile it again."),
    ),
    (
        r"the list was changed while it was being reconciled; reconcile it again",
        N_("The list was changed while it was being reconciled: reconcile it again."),
    ),
    (
        r"(?P<rows>\d+) row\(s\) have errors: correct them, or choose to leave them out of "
        r"the import",
        N_("%(rows)s row(s) have errors: correct them, or choose to leave them out of the import."),
    ),
    (r"no row without errors is left to import", N_("No row without errors is left to import.")),
    (
        r"the choice of columns has errors; fix them first",
        N_("The choice of columns has errors: fix them first."),
    ),
    (
        r"(?P<file>.+) was already imported into this incident on (?P<at>.+) UTC by (?P<who>.+) "
        r"\(same file contents\)",
        N_("%(file)s was already imported into this incident on %(at)s UTC by %(who)s."),
    ),
    (
        r"(?P<file>.+): no rows under the header; nothing to import",
        N_("%(file)s has no rows under its header: nothing to import."),
    ),
    # A file beyond the upload limits (consular.tabular)
    (
        r"(?P<file>.+): larger than (?P<size>[\d,]+ (MB|bytes)) \(the limit is (?P<limit>\S+)\)",
        N_("%(file)s is larger than %(size)s (the limit is %(limit)s)."),
    ),
    (
        _IN_FILE + r": more than (?P<count>[\d,]+) rows \(the limit is (?P<limit>\S+)\)",
        N_("%(file)s has more than %(count)s rows (the limit is %(limit)s): split it."),
    ),
    (
        _IN_FILE + r": more than (?P<count>[\d,]+) columns \(the limit is (?P<limit>\S+)\)",
        N_("%(file)s, row %(row)s: more than %(count)s columns (the limit is %(limit)s)."),
    ),
    (
        _IN_FILE + r": column (?P<column>[A-Z]+) has more than (?P<count>[\d,]+) characters "
        r"\(the limit is (?P<limit>\S+)\)",
        N_(
            "%(file)s, row %(row)s, column %(column)s: a cell of more than %(count)s characters "
            "(the limit is %(limit)s)."
        ),
    ),
    (
        _IN_FILE + r": a cell has more than (?P<count>[\d,]+) characters "
        r"\(the limit is (?P<limit>\S+)\)",
        N_(
            "%(file)s, row %(row)s: a cell of more than %(count)s characters "
            "(the limit is %(limit)s)."
        ),
    ),
    (
        _IN_FILE + r": more than (?P<size>[\d,]+ (MB|bytes)) once uncompressed "
        r"\(the limit is (?P<limit>\S+)\)",
        N_("%(file)s is more than %(size)s once uncompressed (the limit is %(limit)s)."),
    ),
    (
        r"(?P<file>.+): is refused as a zip bomb: .*",
        N_("%(file)s is refused: it inflates far more than a real workbook (a zip bomb)."),
    ),
    (
        r"(?P<file>.+): line (?P<line>\d+) is longer than (?P<count>[\d,]+) characters, .*",
        N_("%(file)s: line %(line)s is longer than %(count)s characters."),
    ),
    (
        r"says the same as column (?P<column>.+); keep one",
        N_("says the same as column %(column)s; keep one of them."),
    ),
    (
        r"no name column: give full_name, family_name and given_name, or the Hangul name "
        r"columns",
        N_("no name column: choose a column for the full name, or family and given names."),
    ),
    # Deployments and the passport zone
    (
        r"empty \(or paste the machine-readable zone\)",
        N_("Empty: fill it in, or paste the passport's machine-readable zone."),
    ),
    (r"empty", N_("Empty.")),
    (_Q.format("value") + r" is not yes or no", N_("“%(value)s” is not yes or no.")),
    (
        r"unknown code " + _Q.format("value") + r" \(use one of: (?P<choices>.+)\)",
        N_("“%(value)s” is not a known code (use one of: %(choices)s)."),
    ),
    (
        r"(?P<typed>.+) differs from the machine-readable zone \((?P<read>.+)\)",
        N_("%(typed)s differs from the passport's machine-readable zone (%(read)s)."),
    ),
    (
        _Q.format("value") + r" is not a number of days from 1 to (?P<most>\d+)",
        N_("“%(value)s” is not a number of days from 1 to %(most)s."),
    ),
    (r"before entry_date", N_("The planned end is before the entry date.")),
    (
        r"no name: give the Latin or Hangul name",
        N_("No name: give the Latin or the Hangul name."),
    ),
    (
        r"line (?P<line>\d), (?P<where>positions? [\d-]+) \((?P<label>[^)]+)\): check digit is "
        r"(?P<found>\S+), computed (?P<computed>\d)",
        N_(
            "Line %(line)s, %(where)s (%(label)s): the check digit is %(found)s where "
            "%(computed)s was computed. Check the characters against the passport."
        ),
    ),
    (
        r"expected 2 lines of 44 characters, found (?P<count>\d+)",
        N_("The machine-readable zone is two lines of 44 characters; %(count)s were given."),
    ),
    (
        r"line (?P<line>\d): (?P<count>\d+) characters, expected 44",
        N_("Line %(line)s has %(count)s characters instead of 44."),
    ),
    # A list's cells
    (
        _Q.format("value") + r" is not a date in the form (?P<form>\S+)",
        N_("“%(value)s” is not a date in the form %(form)s."),
    ),
    (
        _Q.format("value") + r" is not a real date in the form (?P<form>\S+)",
        N_("“%(value)s” is not a real date in the form %(form)s."),
    ),
    (
        r"date of birth " + _Q.format("value") + r" is in the future",
        N_("The date of birth “%(value)s” is in the future."),
    ),
    (
        r"unknown country " + _Q.format("value") + r": write an ISO code .*",
        N_(
            "“%(value)s” is not a country this system reads: write an ISO code (KOR, KR, 410), "
            "an English name (South Korea, KOREA, SOUTH, Republic of Korea) or a Korean name "
            "(대한민국, 한국, 미국)."
        ),
    ),
    (
        _Q.format("value") + r" could be more than one country: write (?P<one>.+) or (?P<other>.+)",
        N_("“%(value)s” could be more than one country: write %(one)s or %(other)s."),
    ),
    (
        r"unknown sex " + _Q.format("value") + r" \(use M, F or X; male, female; 남, 여\)",
        N_("“%(value)s” is not a sex (use M, F or X; male, female; 남, 여)."),
    ),
    (
        r"passport number " + _Q.format("value") + r" should have 5 to 20 letters and digits",
        N_("The passport number “%(value)s” should have 5 to 20 letters and digits."),
    ),
    (
        _Q.format("value") + r" is not an ISO date-time like 2025-09-04T10:30",
        N_("“%(value)s” is not a date and time like 2025-09-04T10:30."),
    ),
    (r"no name", N_("no name")),
    (
        r"duplicate id " + _Q.format("value") + r" \(first on row (?P<row>\d+)\)",
        N_("the id “%(value)s” was already used on row %(row)s."),
    ),
    # Text bounded by its column, names that must be Hangul, contacts on one line
    (_LONG, N_("%(count)s characters, more than the %(limit)s allowed.")),
    (
        r"the family name: " + _LONG,
        N_("The family name has %(count)s characters, more than the %(limit)s allowed."),
    ),
    (
        _Q.format("value") + r" is not a Hangul name \((?P<what>.+) in it\): write Hangul "
        r"syllables only",
        N_(
            "“%(value)s” is not a Hangul name: write it in Hangul syllables only, without "
            "spaces, Latin letters or digits."
        ),
    ),
    (
        _Q.format("value") + r" is not a Hangul name \((?P<what>.+) in it\): write Hangul "
        r"syllables, with at most one space after the family name",
        N_(
            "“%(value)s” is not a Hangul name: write it in Hangul syllables, with at most one "
            "space after the family name."
        ),
    ),
    (
        _Q.format("value") + r" holds a line break or another control character",
        N_("“%(value)s” holds a line break or another control character: write it on one line."),
    ),
]
REASONS = tuple((re.compile(pattern), sentence) for pattern, sentence in _REASONS)


def translate(message: str, gettext: Callable[[str], str]) -> str:
    """The message in the reader's language when it is a known one; else as it is."""
    for pattern, sentence in REASONS:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        return gettext(sentence) % found.groupdict()
    return message
