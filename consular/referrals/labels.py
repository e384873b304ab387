"""The names of the roster's, the referrals' and the hearings' codes, as the pages show them."""

from __future__ import annotations

from consular.i18n import N_

PROVIDER_KINDS = {
    "lawyer": N_("Lawyer"),
    "interpreter": N_("Interpreter"),
    "ngo": N_("Support organisation"),
    "medical": N_("Medical"),
}
# The languages a provider works in, by their ISO 639-1 code.
LANGUAGES = {"ko": N_("Korean"), "en": N_("English"), "es": N_("Spanish")}
REFERRAL_STATES = {
    "offered": N_("Offered"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "done": N_("Done"),
}
HEARING_KINDS = {
    "master_calendar": N_("Master calendar hearing"),
    "bond": N_("Bond hearing"),
    "merits": N_("Merits hearing"),
    "other": N_("Other hearing"),
}
BOND_PAYERS = {
    "detainee": N_("The detainee"),
    "family": N_("The family"),
    "employer": N_("The employer"),
    "other": N_("Someone else"),
}
BOND_STATES = {"set": N_("Set"), "paid": N_("Paid"), "denied": N_("Denied")}
