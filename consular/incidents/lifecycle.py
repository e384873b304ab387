"""An incident's lifecycle: open, closed with a note, reopened; a closed one takes no change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consular import audit
from consular.audit.tags import AuditTag
from consular.auth.permissions import Permission
from consular.auth.service import Actor
from consular.db import utcnow
from consular.errors import Conflict, InvalidInput, NotFound
from consular.i18n import N_
from consular.incidents.models import Incident
from consular.incidents.scope import readable_incidents

OPEN = "open"
CLOSED = "closed"
# As long as a case note may be: a reason, not a report.
NOTE_MAX = 2000


def refuse_closed(incident: Incident) -> None:
    """A closed incident takes no list and no change to its cases: say who closed it, and why."""
    if incident.status == CLOSED:
        raise Conflict(
            "incident.closed",
            N_("Incident %(title)s was closed by %(who)s: %(note)s Reopen it before changing it."),
            title=incident.title,
            who=incident.closed_by or "",
            note=incident.closing_note or "",
            details={"closed_at": incident.closed_at.isoformat() if incident.closed_at else None},
        )


def close_incident(db: Session, actor: Actor, incident_id: str, note: str) -> Incident:
    """Close an open incident with a note saying why; audited."""
    incident = _changing(db, actor, incident_id, note)
    if incident.status == CLOSED:
        raise Conflict(
            "incident.already_closed",
            N_("This incident was already closed by %(who)s."),
            who=incident.closed_by or "",
        )
    incident.status = CLOSED
    incident.closed_at, incident.closed_by = utcnow(), actor.name
    incident.closing_note = note.strip()
    _audit(db, actor, incident, AuditTag.INCIDENT_CLOSE, note)
    return incident


def reopen_incident(db: Session, actor: Actor, incident_id: str, note: str) -> Incident:
    """Reopen a closed incident, saying why; its cases take changes again. Audited."""
    incident = _changing(db, actor, incident_id, note)
    if incident.status != CLOSED:
        raise Conflict(
            "incident.not_closed", N_("This incident is open: there is nothing to reopen.")
        )
    closed = {"closed_by": incident.closed_by, "closing_note": incident.closing_note}
    incident.status = OPEN
    incident.closed_at = incident.closed_by = incident.closing_note = None
    _audit(db, actor, incident, AuditTag.INCIDENT_REOPEN, note, closed)
    return incident


def _changing(db: Session, actor: Actor, incident_id: str, note: str) -> Incident:
    actor.require(Permission.INCIDENT_WRITE, "incident", incident_id)
    incident = db.scalar(readable_incidents(actor).where(Incident.id == incident_id))
    if incident is None:
        raise NotFound("incident", incident_id)
    if not note.strip():
        raise InvalidInput(
            "incident.note_missing", N_("Say why, in a note."), details={"needs": "note"}
        )
    if len(note.strip()) > NOTE_MAX:
        raise InvalidInput(
            "incident.note_too_long",
            N_("The note is longer than %(limit)s characters."),
            limit=NOTE_MAX,
        )
    return incident


def _audit(
    db: Session,
    actor: Actor,
    incident: Incident,
    tag: AuditTag,
    note: str,
    before: dict[str, str | None] | None = None,
) -> None:
    db.flush()
    diff: dict[str, object] = {"status": incident.status, "note": note.strip()}
    if before:
        diff["before"] = before
    audit.record(
        db,
        actor=actor.name,
        tag=tag,
        target_type="incident",
        target_id=incident.id,
        diff={"status": incident.status, "note": note.strip()}
        | ({"before": before} if before else {}),
    )
