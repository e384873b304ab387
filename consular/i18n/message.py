"""Something the product says to a person: a stable code, an English template, its values.

A service says what went wrong where the rule lives, as a ``Message``; the page shows it in
the reader's language, the API answers its code, English text and values, and a stored
report keeps it as a dictionary (``as_dict``) so that it can be shown in another language
later. A template is filled only when it has values (so a sentence without any keeps a bare
``%``). A value may itself be a ``Message`` (a state's name, a field's label): it is
translated with the sentence around it. Korean particles written after a value
("%(state)s을(를)") are chosen once the values are in (``consular.i18n.particles``).

    raise Conflict("case.stale_version",
                   N_("Case %(number)s was changed by someone else meanwhile."),
                   number=case.number)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from consular.i18n.particles import with_particles

Gettext = Callable[[str], str]


def _same(text: str) -> str:
    return text


class Message:
    """A sentence to show a person, translatable until the moment it is shown."""

    __slots__ = ("code", "params", "template")

    def __init__(self, code: str, template: str, /, **params: Any) -> None:
        self.code = code
        self.template = template
        self.params: dict[str, Any] = params

    def translated(self, gettext: Gettext) -> str:
        """The sentence in the catalog's language, its values (and their particles) put in."""
        values = {
            name: value.translated(gettext) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        text = gettext(self.template)
        try:
            filled = text % values if values else text
        except (KeyError, TypeError, ValueError):
            # A translation that names a value the sentence does not have: say it in English
            # rather than fail the page that shows it.
            filled = self.template % values if values else self.template
        return with_particles(filled)

    def __str__(self) -> str:
        return self.translated(_same)

    def __repr__(self) -> str:
        return f"Message({self.code!r}, {str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return (self.code, self.template, self.params) == (
            other.code,
            other.template,
            other.params,
        )

    def __hash__(self) -> int:
        return hash((self.code, self.template))

    def plain_params(self) -> dict[str, Any]:
        """The values as a machine reads them: a nested message is its English text."""
        return {
            name: str(value) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }

    def as_dict(self) -> dict[str, Any]:
        """The message as stored (JSON): a nested message keeps its code and template."""
        return {
            "code": self.code,
            "template": self.template,
            "params": {
                name: value.as_dict() if isinstance(value, Message) else value
                for name, value in self.params.items()
            },
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Message:
        params = {
            name: cls.from_dict(value) if _is_stored_message(value) else value
            for name, value in (stored.get("params") or {}).items()
        }
        return cls(str(stored["code"]), str(stored["template"]), **params)


def _is_stored_message(value: object) -> bool:
    return isinstance(value, Mapping) and "code" in value and "template" in value


def term(code: str, label: str) -> Message:
    """A word from a fixed set (a state, a field), translated where it is shown."""
    return Message(code, label)


def shown(value: object, gettext: Gettext) -> str:
    """What a page shows for ``value``: a message (or an error carrying one) translated, a
    stored message (a report's row problem) translated, anything else as it is."""
    message = getattr(value, "message", value)
    if isinstance(message, Message):
        return message.translated(gettext)
    if _is_stored_message(value):
        return Message.from_dict(value).translated(gettext)  # type: ignore[arg-type]
    return str(value)
