"""Append-only, hash-chained audit log."""

from consular.audit.service import record

__all__ = ["record"]
