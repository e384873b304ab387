"""The names of the cases' codes as people read them: the same sentences as the pages'
labels (``web/templates/states.html``), so each has one translation wherever it is shown."""

from __future__ import annotations

from consular.i18n import N_

STATES = {
    "reported": N_("Reported"),
    "located": N_("Located"),
    "consular_access": N_("Consular access"),
    "disposition_pending": N_("Disposition pending"),
    "departure_scheduled": N_("Departure scheduled"),
    "departed": N_("Departed"),
    "closed": N_("Closed"),
    "released": N_("Released"),
    "transferred": N_("Transferred"),
}
DISPOSITIONS = {
    "voluntary_departure": N_("Voluntary departure"),
    "removal_order": N_("Removal order"),
    "release_on_bond": N_("Release on bond"),
    "contesting": N_("Contesting the case"),
}
MILESTONES = {
    "rights_advised": N_("Told of the right to consular contact"),
    "consulate_notified": N_("Consulate notified"),
    "consular_visit": N_("Consular visit"),
    "legal_counsel": N_("Legal counsel arranged"),
    "interpreter": N_("Interpreter arranged"),
    "family_contacted": N_("Family contacted"),
    "medical_needs": N_("Medical needs checked"),
}
CUSTODY_KINDS = {
    "booked": N_("Booked into the facility"),
    "transferred": N_("Transferred to the facility"),
    "released": N_("Released from custody"),
}
# Whom the detainee agrees to tell (``Case.family_notice``, ``Case.employer_notice``).
NOTICES = {
    "unknown": N_("Not asked yet"),
    "yes": N_("Agrees"),
    "no": N_("Refuses"),
}
TRAVEL_DOCUMENTS = {
    "passport_held": N_("Passport held by the host authority"),
    "own_passport": N_("Own passport"),
    "travel_certificate": N_("Travel certificate issued"),
    "other_document": N_("Other travel document"),
}
# A travel document's kind, where the person's passport is, how long a certificate serves
# (``consular.documents``).
DOCUMENT_KINDS = {
    "passport": N_("Passport"),
    "travel_certificate": N_("Travel certificate"),
    "other": N_("Other document"),
}
PASSPORT_WHEREABOUTS = {
    "authority": N_("With the host authority"),
    "consulate": N_("With the consulate"),
    "person": N_("Returned to the person"),
    "unknown": N_("Lost or not known"),
}
VALIDITIES = {
    "single_journey": N_("One journey"),
    "one_year": N_("One year"),
}
# Whose list a row came from (``ListKind``), as in "from the host authority's list".
LIST_KINDS = {
    "host_authority": N_("Host authority"),
    "employer": N_("Employer"),
    "family": N_("Family"),
    "consular_interview": N_("Consular interview"),
}
