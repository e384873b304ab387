"""The `consular` process: the command line, and how the process ends.

A command that built something large (``consular match`` indexes a million registry rows)
asks with ``skip_teardown`` that the process end without freeing it object by object:
freeing a million-row index and its caches at exit takes longer than linking with it. The
process still flushes its output and exits with the command's status.
"""

from __future__ import annotations

import os
import sys

_skip_teardown = False


def skip_teardown() -> None:
    """End this process, once the command is done, without freeing what it built."""
    global _skip_teardown
    _skip_teardown = True


def run() -> None:
    """The `consular` console script."""
    from consular.cli.main import app

    try:
        app(prog_name="consular")
        status: object = 0
    except SystemExit as exc:
        if not _skip_teardown:
            raise
        status = exc.code
    if not _skip_teardown or not (status is None or isinstance(status, int)):
        sys.exit(status)  # type: ignore[arg-type]
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status or 0)
