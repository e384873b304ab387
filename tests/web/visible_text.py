"""What a reader of a page sees or hears, and the English words left in it.

The text of the page, its title, and the attributes a screen reader or a tooltip speaks
(aria-label, alt, placeholder, title, a button's value); never a script, a style or a
hidden field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).parents[2] / "consular" / "i18n" / "translations"
SPOKEN_ATTRIBUTES = ("aria-label", "alt", "placeholder", "title")
SILENT_TAGS = {"script", "style"}
# Written in its own language on purpose: the language menu offers it to those who read it.
OWN_NAMES = {"English"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")
WORD = re.compile(r"[A-Za-z]{2,}")
# A rule's identifier (CON-05, REN-14), cited as a statute's number is: not a word.
RULE_ID = re.compile(r"\b[A-Z]{2,}-\d+\b")
# A run of Latin words with what joins them in a sentence: "Given up", "No list imported yet."
RUN = re.compile(r"[A-Za-z][\w'’.-]*(?:[ ,:;/()-]+[A-Za-z][\w'’.-]*)*")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._silent = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag in SILENT_TAGS:
            self._silent += 1
        if found.get("type") == "hidden":
            return
        self.chunks.extend(found[name] for name in SPOKEN_ATTRIBUTES if found.get(name))
        if tag == "input" and found.get("type") in {"submit", "button", "reset"}:
            self.chunks.append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT_TAGS and self._silent:
            self._silent -= 1

    def handle_data(self, data: str) -> None:
        if not self._silent and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    """The page's text in pieces, as a reader meets them."""
    parser = _Text()
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks if chunk.strip()]


@cache
def _catalog(language: str) -> dict[str, str]:
    """Each msgid (and plural) of a catalog with its translation (the first form)."""
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po)
    pairs: dict[str, str] = {}
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid:
                pairs[str(msgid)] = str(strings[0] or "")
    return pairs


@cache
def korean_latin_words() -> frozenset[str]:
    """The Latin words the Korean catalog itself writes: CSV, ESTA, YYYY-MM-DD's letters."""
    words = set(OWN_NAMES)
    for translation in _catalog("ko").values():
        words.update(WORD.findall(PLACEHOLDER.sub(" ", translation)))
    return frozenset(words)


@cache
def english_fragments() -> frozenset[str]:
    """The English catalog's sentences cut at their placeholders, as a page shows them."""
    fragments: set[str] = set()
    for msgid in _catalog("en"):
        for piece in PLACEHOLDER.split(msgid):
            piece = " ".join(piece.split()).strip(" ,.:;·")
            if WORD.search(piece):
                fragments.add(piece)
    return frozenset(fragments)


def _data_pattern(data: Iterable[str]) -> re.Pattern[str] | None:
    values = sorted({v for v in data if v.strip()}, key=len, reverse=True)
    if not values:
        return None
    alternatives = "|".join(re.escape(v) for v in values)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")


def english_in(chunks: Iterable[str], data: Iterable[str]) -> list[str]:
    """The runs of Latin words in ``chunks`` that are neither data nor the Korean
    catalog's own words; a run that is an English message is marked so."""
    pattern = _data_pattern(data)
    allowed = korean_latin_words()
    fragments = english_fragments()
    found: list[str] = []
    for chunk in chunks:
        text = RULE_ID.sub(" ", pattern.sub(" ", chunk) if pattern else chunk)
        for run in RUN.findall(text):
            run = run.strip(" ,.:;/()-")
            if any(word not in allowed for word in WORD.findall(run)):
                found.append(f"{run} (English catalog)" if run in fragments else run)
    return found
