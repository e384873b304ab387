"""What a family is told, in the contact's language (the workspace's catalogs)."""

from __future__ import annotations

from dataclasses import dataclass

from consular.i18n import LANGUAGES, translations
from consular.i18n.particles import with_particles


def N_(message: str) -> str:
    """Mark a sentence for the catalogs; it is translated when the message is written."""
    return message


# The changes a family hears about, and what each says.
EVENTS = {
    "located": N_("%(name)s has been located: held at %(facility)s."),
    "consular_visit": N_("A consular officer has visited %(name)s."),
    "departure_scheduled": N_(
        "The departure of %(name)s has been scheduled. The consulate will tell you the flight."
    ),
    "departed": N_("%(name)s has left the host country."),
    "released": N_("%(name)s has been released from detention."),
    # A flight's seat and its changes (consular.flights.changes).
    "seat_assigned": N_(
        "%(name)s has a seat on flight %(flight)s, departing from %(airport)s on %(departs)s "
        "(local time)."
    ),
    "flight_delayed": N_(
        "The flight of %(name)s, %(flight)s from %(airport)s, is delayed: it now departs on "
        "%(departs)s (local time)."
    ),
    "seat_moved": N_(
        "The flight of %(name)s was cancelled. %(name)s now has a seat on flight %(flight)s, "
        "departing from %(airport)s on %(departs)s (local time)."
    ),
    "flight_cancelled": N_(
        "The flight of %(name)s, %(flight)s from %(airport)s, was cancelled. The consulate "
        "will tell you the new flight."
    ),
}
SUBJECT = N_("%(post)s: news of %(name)s")
FOOTER = N_(
    "You can check the status at any time on the consulate's status page with the code the "
    "consulate gave you. Questions: %(post)s, %(phone)s."
)
UNKNOWN_PLACE = N_("a place not yet confirmed")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def write(
    event: str,
    language: str,
    *,
    name: str,
    facility: str | None,
    post: str,
    phone: str,
    **more: str,
) -> Message:
    """The message of ``event``; ``more`` holds the event's own values (a flight's)."""
    gettext = translations(language if language in LANGUAGES else "ko").gettext
    parts = {
        "name": name,
        "facility": facility or gettext(UNKNOWN_PLACE),
        "post": post,
        "phone": phone or "—",
        **more,
    }
    return Message(
        subject=with_particles(gettext(SUBJECT) % parts),
        body=with_particles(f"{gettext(EVENTS[event]) % parts}\n\n{gettext(FOOTER) % parts}"),
    )
