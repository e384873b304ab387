"""Append-only, hash-chained audit log."""

from consular.audit.service import Event, append, record, record_many

__all__ = ["Event", "append", "record", "record_many"]
