"""Every kind of audit event, declared once: its tag as stored, and what it means to a person.

A tag reads ``domain:subject:action``. The values are the strings the log has always
stored: the rows' hashes cover them, so a tag is never renamed, only added. Each tag's
description is shown, translated, where history is shown (``consular.audit.history``).
"""

from __future__ import annotations

from enum import StrEnum

from consular.i18n import N_


class AuditTag(StrEnum):
    _value_: str
    description: str

    def __new__(cls, value: str, description: str) -> AuditTag:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    # Signing in, users, posts and API tokens
    SIGN_IN = "auth:sign_in", N_("Signed in")
    SIGN_IN_FAILED = "auth:sign_in:failed", N_("Failed to sign in")
    SIGN_IN_UNLOCK = "auth:sign_in:unlock", N_("Failed sign-ins cleared")
    SIGN_OUT = "auth:sign_out", N_("Signed out")
    POST_CREATE = "auth:post:create", N_("Post created")
    USER_CREATE = "auth:user:create", N_("User created")
    USER_DEACTIVATE = "auth:user:deactivate", N_("User deactivated")
    USER_CONTACT = "auth:user:contact", N_("User's e-mail or phone changed")
    TOKEN_CREATE = "auth:token:create", N_("API token issued")
    TOKEN_REVOKE = "auth:token:revoke", N_("API token revoked")

    # Cases
    CASE_CREATE = "cases:case:create", N_("Case opened")
    CASE_UPDATE = "cases:case:update", N_("Case completed from a list")
    CASE_TRANSITION = "cases:case:transition", N_("Case moved")
    CUSTODY_RECORD = "cases:custody:record", N_("Custody recorded")
    DISPOSITION_RECORD = "cases:disposition:record", N_("Disposition recorded")
    NOTE_ADD = "cases:note:add", N_("Note added")
    MILESTONE_COMPLETE = "cases:milestone:complete", N_("Checklist item done")
    HOST_IDENTIFIER_REVEAL = "cases:identifier:reveal", N_("Host authority number shown")
    TRAVEL_RECORD = "cases:travel:record", N_("Travel details recorded")
    CASE_ASSIGN = "cases:case:assign", N_("Officers assigned")
    CASE_WISHES = "cases:wishes:record", N_("Whom the detainee agrees to tell")
    INTERVIEW_RECORD = "interviews:interview:record", N_("Welfare interview recorded")

    # Incidents and their lists
    INCIDENT_CREATE = "incidents:incident:create", N_("Incident created")
    INCIDENT_CLOSE = "incidents:incident:close", N_("Incident closed")
    INCIDENT_REOPEN = "incidents:incident:reopen", N_("Incident reopened")
    TEAM_ADD = "incidents:team:add", N_("Officer added to the incident's team")
    TEAM_REMOVE = "incidents:team:remove", N_("Officer removed from the incident's team")
    CASES_EXPORT = "incidents:cases:export", N_("Cases exported")
    DRAFT_START = "incidents:draft:start", N_("List import started")
    DRAFT_CANCEL = "incidents:draft:cancel", N_("List import cancelled")
    LIST_CORRECT = "incidents:list:correct", N_("List values corrected during the import")
    LIST_IMPORT = "incidents:list:import", N_("List imported")
    RECORD_LINK = "incidents:record:link", N_("List row linked to the case")
    REVIEW_REJECT = "incidents:review:reject", N_("List row rejected in review")

    # The registry and the screening of deployments
    PERSON_CREATE = "registry:person:create", N_("Person registered")
    PERSON_MERGE = "registry:person:merge", N_("Two persons found to be the same merged")
    PERSON_UNMERGE = "registry:person:unmerge", N_("Merge of two persons undone")
    REGISTRY_IMPORT = "registry:import:commit", N_("Registry imported")
    CONTACTS_IMPORT = "registry:contact:import", N_("Emergency contacts imported")
    CONTACT_ADD = "registry:contact:add", N_("Emergency contact added")
    CONTACT_CHANGE = "registry:contact:change", N_("Emergency contact changed")
    CONTACT_REMOVE = "registry:contact:remove", N_("Emergency contact removed")
    PASSPORT_REVEAL = "registry:identifier:reveal", N_("Passport number shown")
    REGISTRY_EXPORT = "registry:persons:export", N_("Registry extract exported")
    DEPLOYMENT_REGISTER = "screening:deployment:register", N_("Deployment registered")
    DEPLOYMENT_IDENTITY_MISMATCH = (
        "screening:deployment:identity_mismatch",
        N_("Deployment's passport registered under another identity"),
    )

    # The post's directory of detention facilities
    FACILITY_CREATE = "facilities:facility:create", N_("Facility added to the directory")
    FACILITY_UPDATE = "facilities:facility:update", N_("Facility's directory entry changed")
    FACILITY_MERGE = (
        "facilities:facility:merge",
        N_("Facility as written merged into a directory entry"),
    )

    # Flights home
    FLIGHT_CREATE = "flights:flight:create", N_("Flight created")
    SEAT_ASSIGN = "flights:seat:assign", N_("Seat given on a flight")
    SEAT_UNASSIGN = "flights:seat:unassign", N_("Seat on a flight taken back")
    FLIGHT_LOCK = "flights:flight:lock", N_("Passenger manifest locked")
    FLIGHT_DEPART = "flights:flight:depart", N_("Flight departed")
    FLIGHT_DELAY = "flights:flight:delay", N_("Flight delayed")
    FLIGHT_CANCEL = "flights:flight:cancel", N_("Flight cancelled")
    MANIFEST_EXPORT = "flights:manifest:export", N_("Passenger manifest exported")

    # Travel documents
    DOCUMENT_RECORD = "documents:document:record", N_("Travel document recorded")
    DOCUMENT_ISSUE = "documents:certificate:issue", N_("Travel certificate issued")
    DOCUMENT_PRINT = "documents:certificate:print", N_("Travel certificate printed")
    # Visits to the facilities
    VISIT_PLAN = "visits:plan:create", N_("Visit planned")
    VISIT_CASE_ADD = "visits:case:add", N_("Case added to a visit")
    VISIT_CASE_REMOVE = "visits:case:remove", N_("Case taken off a visit")
    VISIT_STATE = "visits:plan:state", N_("Visit marked done or cancelled")
    ROSTER_EXPORT = "visits:roster:export", N_("Visit roster printed")

    # Re-entry
    ASSESSMENT_RECORD = "reentry:assessment:record", N_("Re-entry assessment kept")
    REENTRY_FACTS_UPDATE = "reentry:facts:update", N_("Re-entry facts recorded")
    REENTRY_OUTCOME_RECORD = "reentry:outcome:record", N_("What happened after return recorded")
    ASSURANCE_ADD = "reentry:assurance:add", N_("Assurance recorded")

    # Counsel, interpreters and support organisations; hearings and bond
    PROVIDER_CREATE = "referrals:provider:create", N_("Added to the roster of counsel and support")
    PROVIDER_UPDATE = "referrals:provider:update", N_("Roster entry changed")
    REFERRAL_CREATE = "referrals:referral:create", N_("Case referred, with the detainee's consent")
    REFERRAL_MOVE = "referrals:referral:move", N_("Referral moved on")
    HEARING_ADD = "referrals:hearing:add", N_("Hearing recorded")
    HEARING_REMOVE = "referrals:hearing:remove", N_("Hearing taken off the case")
    BOND_RECORD = "referrals:bond:record", N_("Bond recorded")

    # Families and the messages to them
    FAMILY_CODE_ISSUE = "families:code:issue", N_("Family status code issued")
    FAMILY_CODE_REVOKE = "families:code:revoke", N_("Family status code revoked")
    STATUS_LOOKUP = "families:status:lookup", N_("Status looked up with a family code")
    STATUS_FAILED = "families:status:failed", N_("Status lookup failed")
    STATUS_THROTTLED = "families:status:throttled", N_("Status lookups held back after failures")
    MESSAGE_RETRY = "notifications:message:retry", N_("Message to the family sent again")
    MESSAGE_CANCEL = "notifications:message:cancel", N_("Message to the family cancelled")
    BROADCAST_SEND = (
        "notifications:broadcast:send",
        N_("Message broadcast to the families or employers"),
    )
    HOTLINE_LOG = "hotline:inquiry:log", N_("Call to the families' hotline logged")
    HOTLINE_STATE = "hotline:inquiry:state", N_("Hotline call's state changed")
    HOTLINE_LINK = "hotline:inquiry:link", N_("Hotline call linked to the case")
    HOTLINE_REPORT = "hotline:inquiry:report", N_("Hotline call turned into a family report")
    HOTLINE_CODE_SMS = "hotline:code:sms", N_("Family status code written to the caller by SMS")
    REMINDER_SEND = "notifications:reminder:send", N_("Deadline reminder written to an officer")

    # Data keys (the command line)
    DATA_KEY_ROTATE = "keys:data_key:rotate", N_("Data key replaced by a new one")
    DATA_KEY_RESEAL = "keys:data_key:reseal", N_("Values sealed again under the current key")
    DATA_KEY_RETIRE = "keys:data_key:retire", N_("Data key retired")


_BY_VALUE = {str(tag.value): tag for tag in AuditTag}


def declared_tag(value: str) -> AuditTag | None:
    """The declared tag stored as ``value``, or None."""
    return _BY_VALUE.get(value)
