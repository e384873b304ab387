"""The names of a welfare interview's answers as people read them, one translation each."""

from __future__ import annotations

from consular.i18n import N_

NOT_SEEN_REASONS = {
    "refused": N_("Refused to come out"),
    "transferred": N_("Transferred"),
    "released": N_("Released"),
    "not_produced": N_("Not produced by the facility"),
    "other": N_("Other reason"),
}
# Told the reason for the arrest; advised of rights.
ANSWERS = {"yes": N_("Yes"), "no": N_("No"), "unsure": N_("Unsure")}
# Whether the family (the employer) may be told, as the detainee said it.
NOTICE_ANSWERS = {"yes": N_("Agrees"), "no": N_("Refuses"), "not_asked": N_("Not asked")}
WISHES = {
    "voluntary_departure": N_("Voluntary departure"),
    "contest": N_("Contest the case"),
    "undecided": N_("Undecided"),
}
SEEN = {"yes": N_("Seen"), "no": N_("Not seen")}
