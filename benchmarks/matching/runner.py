"""Run one method on one data set in a child process of its own.

Each method runs in a fresh ``spawn`` child so that its peak memory (the child's own
``ru_maxrss``) does not include another method's, and so that a method that runs too
long or grows too large can be stopped without losing the others' figures.
"""

from __future__ import annotations

import multiprocessing
import pickle
import resource
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from benchmarks.matching.methods import MethodRun, run_baseline, run_engine
from consular.matching import PersonRecord

ENGINE = "engine"
BASELINE = "baseline"
SPLINK = "splink"
METHODS = (ENGINE, BASELINE, SPLINK)
SYNTHETIC = "synthetic"
FEBRL = "febrl"
POLL_S = 0.5
STOP_GRACE_S = 10.0


@dataclass(frozen=True, slots=True)
class Task:
    """One method on one data set: the synthetic pickle at ``data_path``, or Febrl4."""

    method: str
    dataset: str
    data_path: str = ""
    variant: str = ""
    seed: int = 0
    slice_rows: int = 0


@dataclass
class ChildResult:
    """How a child ended: ``ok``, ``timeout``, ``memory`` (stopped) or ``error``."""

    status: str
    run: MethodRun | None
    wall_s: float
    detail: str = ""
    highest_rss_kib: int = 0


def run_in_child(task: Task, timeout_s: float, max_rss_kib: int) -> ChildResult:
    """Run ``task`` in a spawned child; stop it past ``timeout_s`` or ``max_rss_kib``."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=child_main, args=(task, sender), daemon=True)
    started = time.monotonic()
    process.start()
    sender.close()
    highest = 0
    answered = False
    try:
        while True:
            if receiver.poll(POLL_S):
                answered = True
                return _received(receiver, started, highest)
            elapsed = time.monotonic() - started
            assert process.pid is not None
            highest = max(highest, _rss_kib(process.pid))
            if highest > max_rss_kib:
                detail = f"{highest / 1024:,.0f} MiB resident, limit {max_rss_kib / 1024:,.0f} MiB"
                return ChildResult("memory", None, elapsed, detail, highest)
            if elapsed > timeout_s:
                return ChildResult("timeout", None, elapsed, f"not finished in {timeout_s:.0f} s")
            if not process.is_alive():
                detail = f"exited with code {process.exitcode}"
                return ChildResult("error", None, elapsed, detail, highest)
    finally:
        receiver.close()
        # A child that answered is only freeing memory: give it time to exit by itself.
        _stop(process, STOP_GRACE_S if answered else 0.0)


def child_main(task: Task, sender: Connection) -> None:
    """Entry point of the child: load the data, run the method, send back the outcomes."""
    try:
        run = _run(task)
        run.peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sender.send(("ok", run))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()


def _run(task: Task) -> MethodRun:
    if task.dataset == FEBRL:
        return _run_febrl(task)
    with Path(task.data_path).open("rb") as handle:
        registry, records = pickle.load(handle)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = _run_method(task, registry, records)
    run.loaded_kib = loaded
    return run


def _run_method(task: Task, registry: list[PersonRecord], records: list[PersonRecord]) -> MethodRun:
    if task.method == ENGINE:
        return run_engine(registry, records, task.slice_rows)
    if task.method == BASELINE:
        return run_baseline(registry, records)
    if task.method == SPLINK:
        from benchmarks.matching.splink_model import run_splink, synthetic_frame, synthetic_model

        frames = synthetic_frame(registry), synthetic_frame(records)
        return run_splink(*frames, synthetic_model(), task.seed)
    raise ValueError(f"unknown method {task.method!r}")


def _run_febrl(task: Task) -> MethodRun:
    from benchmarks.matching import febrl

    left, right = febrl.load_frames()
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if task.method == SPLINK:
        from benchmarks.matching.splink_model import run_splink

        frames = febrl.splink_frame(left, task.variant), febrl.splink_frame(right, task.variant)
        run = run_splink(*frames, febrl.splink_model(task.variant), task.seed)
    else:
        registry = febrl.person_records(left, task.variant)
        records = febrl.person_records(right, task.variant)
        run = _run_method(task, registry, records)
    run.loaded_kib = loaded
    return run


def _received(receiver: Connection, started: float, highest: int) -> ChildResult:
    try:
        status, payload = receiver.recv()
    except EOFError:
        elapsed = time.monotonic() - started
        return ChildResult("error", None, elapsed, "the child ended without a result", highest)
    elapsed = time.monotonic() - started
    if status == "ok":
        return ChildResult("ok", payload, elapsed, "", highest)
    return ChildResult("error", None, elapsed, str(payload), highest)


def _rss_kib(pid: int) -> int:
    """Resident set size of a live process, from ``/proc`` (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _stop(process: multiprocessing.process.BaseProcess, wait_s: float) -> None:
    """End our own child: let it finish for ``wait_s``, then politely, then for good."""
    process.join(wait_s)
    if process.is_alive():
        process.terminate()
        process.join(STOP_GRACE_S)
    if process.is_alive():
        process.kill()
    process.join()
