"""Telling families what changed: an outbox written with the change, sent by a worker."""
