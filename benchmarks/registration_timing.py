"""How long an employer's registration of a worker takes when the registry holds the
passport with the same identity, holds it with another given name, or does not hold it.

Run: .venv/bin/python -m benchmarks.registration_timing [--rounds 50]

The three medians should be close: the time of the answer must not tell whether a passport
number is on record. Each round is one unit of work (commit included), a new trip each time.
It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from consular.auth.service import Actor, create_user
from consular.config import Settings
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.importing import command_line_limits
from consular.migrate import upgrade
from consular.registry.models import Employer
from consular.registry.service import import_registry
from consular.screening.deployments import parse_registration, register
from consular.sealing import throwaway_key_unless_configured
from consular.tabular import read_table_bytes

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

REGISTRY = (
    "id,family_name,given_name,family_name_hangul,given_name_hangul,sex,date_of_birth,"
    "nationality,passport_number,employer\n"
    "R1,LEE,SEONGHO,이,성호,M,1988-03-14,KOR,M12345678,HL Battery\n"
)
WORKER = {
    "family_name": "LEE",
    "given_name": "SEONGHO",
    "date_of_birth": "1988-03-14",
    "nationality": "KOR",
    "passport_number": "M12345678",
    "entry_status": "b1",
    "activity": "meetings",
    "stay_days": "10",
    **dict.fromkeys(
        (
            "equipment_purchased_abroad",
            "contract_requires_seller_service",
            "specialized_knowledge",
            "paid_by_us_source",
            "hands_on",
            "prior_us_refusal_or_violation",
        ),
        "no",
    ),
}


def _time_ms(factory: Any, actor: Actor, worker: dict[str, str], n: int) -> float:
    values = {**worker, "entry_date": (date(2027, 1, 1) + timedelta(days=n)).isoformat()}
    if worker["passport_number"] == "unknown":
        values["passport_number"] = f"M8{n:07d}"
    registration, errors = parse_registration(values, 1)
    assert not errors, errors
    started = time.perf_counter()
    with unit_of_work(factory) as db:
        register(db, actor, registration)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'timing.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        operator = Actor.operator()
        limits = command_line_limits(Settings())
        table = read_table_bytes(REGISTRY.encode(), "registry.csv", limits=limits)
        with unit_of_work(factory) as db:
            import_registry(db, operator, table)
            db.add(Employer(name="Daewon Install"))
            db.flush()
            user = create_user(
                db, operator, name="hr.daewon", role="employer_hr", password="correct horse 1",
                employer="Daewon Install",
            )  # fmt: skip
            actor = Actor.from_user(user)
        cases = (
            ("on record, every field agrees", WORKER),
            ("on record, another given name", {**WORKER, "given_name": "MINSU"}),
            ("not on record", {**WORKER, "passport_number": "unknown"}),
        )
        for n in range(3):  # warm-up
            _time_ms(factory, actor, WORKER, 10_000 + n)
        # Interleaved, so that the machine's load falls on the three alike.
        timings: dict[str, list[float]] = {label: [] for label, _ in cases}
        for n in range(rounds):
            for label, worker in cases:
                timings[label].append(_time_ms(factory, actor, worker, n))
        print(f"registration of a worker, median of {rounds} (ms):")
        for label, measured in timings.items():
            print(f"  {label:<32} {statistics.median(measured):7.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
