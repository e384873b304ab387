"""Linking a long list on every core: the registry is indexed once, then shared by workers.

A worker is a fork of this process made after the index is built, so it shares the index's
memory instead of building or receiving its own; it links its share of the list and sends
back the links.

The index is frozen out of the garbage collector before the workers are made, and only
the young generations are collected while linking (``index_left_alone``): a full
collection would walk the whole index again and again, and in a worker copy its pages.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable, Sequence

from consular.matching import Link, Matcher, PersonRecord
from consular.matching.index import index_left_alone

__all__ = ["PARALLEL_ROWS", "link_all"]

# Fewer list rows than this are linked in this process: a worker would save less than it costs.
PARALLEL_ROWS = 1000


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def link_all(
    matcher: Matcher,
    records: Sequence[PersonRecord],
    progress: Callable[[int], None] | None = None,
    *,
    workers: int | None = None,
) -> list[Link]:
    """Each record's link, in order; ``progress`` is told how many are done, about every 100.

    ``workers`` processes share the list (by default one per core for a long list, where
    the system can fork); the links are the same whichever process makes them.
    """
    if workers is None:
        workers = cores() if len(records) >= PARALLEL_ROWS else 1
    if not hasattr(os, "fork"):
        workers = 1
    workers = max(1, min(workers, len(records)))
    # Every worker-th row to each: rows of one kind, often together in a list, are shared out.
    parts = [records[start::workers] for start in range(workers)]
    with index_left_alone():
        children = [_fork(matcher, part) for part in parts[1:]]
        shares = [_link(matcher, parts[0], _scaled(progress, workers, len(records)))]
        shares.extend(_collect(matcher, pid, pipe, part) for pid, pipe, part in children)
    if progress is not None:
        progress(len(records))
    links: list[Link] = [None] * len(records)  # type: ignore[list-item]
    for start, share in enumerate(shares):
        links[start::workers] = share
    return links


def _scaled(
    progress: Callable[[int], None] | None, workers: int, total: int
) -> Callable[[int], None] | None:
    """This process's count for all: the workers go about as fast."""
    if progress is None:
        return None
    return lambda done: progress(min(done * workers, total))


def _link(
    matcher: Matcher, records: Sequence[PersonRecord], progress: Callable[[int], None] | None
) -> list[Link]:
    links: list[Link] = []
    for done, record in enumerate(records, start=1):
        links.append(matcher.link(record))
        if progress is not None and done % 100 == 0:
            progress(done)
    return links


def _fork(
    matcher: Matcher, part: Sequence[PersonRecord]
) -> tuple[int, int, Sequence[PersonRecord]]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: link the share, send the links, leave without cleaning up
        status = 1
        try:
            os.close(reading)
            links = _link(matcher, part, None)
            with os.fdopen(writing, "wb") as out:
                pickle.dump(links, out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    return pid, reading, part


def _collect(matcher: Matcher, pid: int, pipe: int, part: Sequence[PersonRecord]) -> list[Link]:
    """The worker's links; if it failed, its share is linked here."""
    links: list[Link] | None = None
    with os.fdopen(pipe, "rb") as received, contextlib.suppress(EOFError, pickle.UnpicklingError):
        links = pickle.load(received)
    _, status = os.waitpid(pid, 0)
    if links is None or status != 0 or len(links) != len(part):
        return _link(matcher, part, None)
    return links
