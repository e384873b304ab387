"""Append-only, hash-chained audit log."""

from consular.audit.service import Event, append, record, record_many
from consular.audit.tags import AuditTag

__all__ = ["AuditTag", "Event", "append", "record", "record_many"]
