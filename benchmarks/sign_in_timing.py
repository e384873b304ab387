"""How long a failed password check takes for a real, an unknown and a deactivated user name.

Run: .venv/bin/python -m benchmarks.sign_in_timing [--rounds 30]

The three medians should be close: the time of a refusal must not tell which names exist.
It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import update

from consular.auth.models import User
from consular.auth.service import Actor, authenticate_password, create_user, get_or_create_post
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.errors import Unauthenticated
from consular.migrate import upgrade
from consular.sealing import throwaway_key_unless_configured

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()


def _median_ms(factory, name: str, rounds: int) -> float:  # type: ignore[no-untyped-def]
    timings = []
    with unit_of_work(factory, write=False) as db:
        for _ in range(rounds):
            started = time.perf_counter()
            with contextlib.suppress(Unauthenticated):
                authenticate_password(db, name, "wrong password")
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'timing.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        operator = Actor.operator()
        with unit_of_work(factory) as db:
            get_or_create_post(db, "Consulate General in Atlanta", time_zone="America/New_York")
            for name in ("officer.kim", "officer.gone"):
                create_user(
                    db,
                    operator,
                    name=name,
                    role="officer",
                    password="correct horse 1",
                    post="Consulate General in Atlanta",
                )
            db.execute(update(User).where(User.name == "officer.gone").values(active=False))
        _median_ms(factory, "officer.kim", 3)  # warm-up: the dummy hash is made on first use
        print(f"failed password check, median of {rounds} (ms):")
        for label, name in (
            ("real name, wrong password", "officer.kim"),
            ("unknown name", "nobody.here"),
            ("deactivated name", "officer.gone"),
        ):
            print(f"  {label:<28} {_median_ms(factory, name, rounds):7.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
