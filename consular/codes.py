"""The words for the codes the product stores about a person, in the reader's language.

A page shows a code in words; an export writes the words beside the code, which stays in
its own column for machines. A code with no words here (a relationship typed freely) is
shown as it was written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from consular.i18n import N_, translations
from consular.rules import ruleset

SEXES = {"M": N_("Male"), "F": N_("Female"), "X": N_("Unspecified (X)")}
# How an emergency contact is related to the person, as the registry and the API write it.
RELATIONSHIPS = {
    "mother": N_("mother"),
    "father": N_("father"),
    "parent": N_("parent"),
    "spouse": N_("spouse"),
    "husband": N_("husband"),
    "wife": N_("wife"),
    "child": N_("child"),
    "son": N_("son"),
    "daughter": N_("daughter"),
    "sibling": N_("sibling"),
    "brother": N_("brother"),
    "sister": N_("sister"),
    "relative": N_("relative"),
    "friend": N_("friend"),
    "other": N_("other"),
}


def in_words(names: Mapping[str, str]) -> Callable[[str | None, str], str]:
    """How a code reads in a language, from ``names`` (code: English words marked ``N_``);
    a code not named there as written."""

    def words(code: str | None, language: str) -> str:
        name = names.get(code or "")
        return translations(language).gettext(name) if name else (code or "")

    return words


sex_label = in_words(SEXES)
"""``M`` as 남성 or Male; an unknown code as written."""


def relationship_label(code: str | None, language: str) -> str:
    """``mother`` as 어머니 or mother; a relationship typed freely as written."""
    if not code:
        return ""
    words = RELATIONSHIPS.get(code.strip().lower())
    return translations(language).gettext(words) if words else code


def entry_status_label(code: str | None, language: str) -> str:
    """An entry status (``esta``) as the screen rule set words it: ESTA(비자 면제)."""
    if not code:
        return ""
    return ruleset("screen").label("entry_status", code, language)


LABELS = {
    "sex": sex_label,
    "relationship": relationship_label,
    "entry_status": entry_status_label,
}


def code_label(kind: str, code: str | None, language: str) -> str:
    """The words for a code of one kind (``sex``, ``relationship``, ``entry_status``) in
    ``language``."""
    return LABELS[kind](code, language)
