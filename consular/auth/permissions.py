"""Permissions are names; roles map to sets of them; one helper checks."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"
    VIEWER = "viewer"
    EMPLOYER_HR = "employer_hr"


class Permission(StrEnum):
    PERSON_READ = "person:read"
    PERSON_WRITE = "person:write"
    REGISTRY_IMPORT = "registry:import"
    REGISTRY_EXPORT = "registry:export"
    INCIDENT_READ = "incident:read"
    INCIDENT_WRITE = "incident:write"
    LIST_IMPORT = "list:import"
    REVIEW_DECIDE = "review:decide"
    CASE_READ = "case:read"
    CASE_WRITE = "case:write"
    CASE_TRANSITION = "case:transition"
    MILESTONE_COMPLETE = "milestone:complete"
    IDENTIFIER_REVEAL = "identifier:reveal"
    AUDIT_READ = "audit:read"
    USER_ADMIN = "user:admin"
    FAMILY_CODE = "family:code"
    NOTIFICATION_FAILURES = "notification:failures"
    DEPLOYMENT_READ = "deployment:read"
    DEPLOYMENT_WRITE = "deployment:write"
    SIGN_IN_UNLOCK = "user:unlock"
    CASE_ASSIGN = "case:assign"
    INCIDENT_TEAM = "incident:team"
    PERSON_MERGE = "person:merge"
    PERSON_UNMERGE = "person:unmerge"
    BROADCAST_SEND = "broadcast:send"
    FACILITY_READ = "facility:read"
    FACILITY_WRITE = "facility:write"
    FACILITY_MERGE = "facility:merge"
    # The families' hotline: the callers' log (names and phones of relatives) and its calls.
    HOTLINE_READ = "hotline:read"
    HOTLINE_WRITE = "hotline:write"


_OFFICER = {
    Permission.PERSON_READ,
    Permission.PERSON_WRITE,
    Permission.PERSON_MERGE,
    Permission.REGISTRY_IMPORT,
    Permission.INCIDENT_READ,
    Permission.INCIDENT_WRITE,
    Permission.LIST_IMPORT,
    Permission.REVIEW_DECIDE,
    Permission.CASE_READ,
    Permission.CASE_WRITE,
    Permission.CASE_TRANSITION,
    Permission.CASE_ASSIGN,
    Permission.MILESTONE_COMPLETE,
    Permission.IDENTIFIER_REVEAL,
    Permission.AUDIT_READ,
    Permission.FAMILY_CODE,
    Permission.DEPLOYMENT_READ,
    Permission.FACILITY_READ,
    Permission.FACILITY_WRITE,
    Permission.HOTLINE_READ,
    Permission.HOTLINE_WRITE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SUPERVISOR: frozenset(
        _OFFICER
        | {
            Permission.REGISTRY_EXPORT,
            Permission.NOTIFICATION_FAILURES,
            Permission.SIGN_IN_UNLOCK,
            Permission.INCIDENT_TEAM,
            Permission.BROADCAST_SEND,
            Permission.FACILITY_MERGE,
        }
    ),
    Role.OFFICER: frozenset(_OFFICER),
    Role.VIEWER: frozenset(
        {
            Permission.PERSON_READ,
            Permission.INCIDENT_READ,
            Permission.CASE_READ,
            Permission.FACILITY_READ,
        }
    ),
    # Their own employer's deployments only (the query helper scopes them); no registry.
    Role.EMPLOYER_HR: frozenset({Permission.DEPLOYMENT_READ, Permission.DEPLOYMENT_WRITE}),
}


def has_permission(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]
