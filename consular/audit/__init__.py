"""Append-only, hash-chained audit log."""

from consular.audit.service import append, record

__all__ = ["append", "record"]
