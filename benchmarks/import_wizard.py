"""Benchmark: how long each step of the workspace's import wizard takes for a list of N rows.

Run from the repository root::

    .venv/bin/python benchmarks/import_wizard.py [--rows 500] [--backend postgresql]

It builds the demo (20,000 registry persons) in a temporary SQLite file or a scratch
PostgreSQL database, serves the real application under uvicorn in a child process, signs in
as the demo officer through the sign-in form and walks one synthetic host authority list
through the wizard as a browser would: upload, columns, the check of the rows (2 % of them
with an impossible date), one correction per bad row, reconcile, the review page, one
decision, commit. Each row names a registry person in the list's own spelling ("FAMILY,
GIVEN" with US dates), some with the given name split differently. It prints the time of
each step as the client sees it (request sent to last byte, redirects not followed); it is
not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import POSTGRES_SERVER, serve
from benchmarks.workspace_pages import build_demo, scratch_database, sign_in
from consular.sealing import throwaway_key_unless_configured

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def host_list(database_url: str, rows: int) -> tuple[bytes, list[int]]:
    """A host list of ``rows`` registry persons, and the row numbers given a bad date."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        people = conn.execute(
            text(
                "SELECT family_name, given_name, date_of_birth FROM person "
                "WHERE family_name IS NOT NULL AND date_of_birth IS NOT NULL "
                "ORDER BY date_of_birth, family_name, given_name LIMIT :rows"
            ),
            {"rows": rows},
        ).all()
    engine.dispose()
    if len(people) < rows:
        raise SystemExit(f"the demo registry has only {len(people)} usable persons")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["A-Number", "Name", "DOB", "Citizenship", "Detention Facility"])
    bad: list[int] = []
    for index, (family, given, born) in enumerate(people):
        number = index + 2  # the header is row 1
        if index % 10 == 3 and len(given) > 2:
            given = f"{given[:2]} {given[2:]}"  # the list splits the given name differently
        dob = f"{str(born)[5:7]}/{str(born)[8:10]}/{str(born)[:4]}"
        if index % 50 == 7:
            dob = f"02/30/{str(born)[:4]}"
            bad.append(number)
        facility = "Folkston ICE Processing Center" if index % 3 else "Stewart Detention Center"
        writer.writerow([f"A{900000 + index}", f"{family}, {given}", dob, "KOR", facility])
    return out.getvalue().encode(), bad


class Steps:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, int]] = []

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[list[int]]:
        size: list[int] = []
        started = time.perf_counter()
        yield size
        self.rows.append((label, (time.perf_counter() - started) * 1000, sum(size)))

    def print(self) -> None:
        print(f"{'step':<46} {'time':>10} {'page size':>12}")
        for label, ms, size in self.rows:
            shown = f"{size:,} B" if size else ""
            print(f"{label:<46} {ms:>7.1f} ms {shown:>12}")


def ok(response: httpx.Response, status: int = 303) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.url} answered {response.status_code}")
    return response


def walk(base_url: str, password: str, listing: bytes, bad: list[int]) -> Steps:
    steps = Steps()
    with httpx.Client(base_url=base_url, timeout=300) as client:
        sign_in(client, "officer.kim", password)
        dashboard = ok(client.get("/"), 200).text
        incident = re.search(r'href="(/incidents/[0-9a-f-]+)"', dashboard)
        assert incident, "no incident on the dashboard"
        form = ok(client.get(f"{incident.group(1)}/imports/new"), 200).text
        token = TOKEN.search(form)
        assert token
        csrf = token.group(1)
        with steps.step("upload"):
            answer = ok(
                client.post(
                    f"{incident.group(1)}/imports",
                    data={"kind": "host_authority", "csrf_token": csrf},
                    files={"file": ("host-list.csv", listing, "text/csv")},
                )
            )
        base = answer.headers["location"].rsplit("/", 1)[0]
        with steps.step("columns page") as size:
            page = ok(client.get(f"{base}/columns"), 200).text
            size.append(len(page.encode()))
        chosen = dict(
            re.findall(r'name="(field-\d+)">.*?<option value="([^"]*)" selected', page, re.S)
        )
        with steps.step("columns saved"):
            ok(
                client.post(
                    f"{base}/columns",
                    data={
                        "csrf_token": csrf,
                        "kind": "host_authority",
                        "date_format": "%m/%d/%Y",
                        **chosen,
                    },
                )
            )
        with steps.step(f"check page, {len(bad)} rows with errors") as size:
            page = ok(client.get(f"{base}/preview"), 200).text
            size.append(len(page.encode()))
        started = time.perf_counter()
        for number in bad:
            cells = dict(
                re.findall(
                    rf'<input id="cell-{number}-\d+" name="(cell-\d+)" value="([^"]*)"', page
                )
            )
            cells["cell-2"] = cells["cell-2"].replace("02/30/", "02/28/")
            ok(client.post(f"{base}/rows/{number}", data={"csrf_token": csrf, **cells}))
        each = (time.perf_counter() - started) * 1000 / max(1, len(bad))
        steps.rows.append((f"one correction (mean of {len(bad)})", each, 0))
        with steps.step("check page, no errors left") as size:
            page = ok(client.get(f"{base}/preview"), 200).text
            size.append(len(page.encode()))
            assert f'action="{base}/reconcile"' in page, "errors left after the corrections"
        with steps.step("reconcile"):
            ok(client.post(f"{base}/reconcile", data={"csrf_token": csrf}))
        with steps.step("review page") as size:
            page = ok(client.get(f"{base}/review"), 200).text
            size.append(len(page.encode()))
        accept = re.search(
            r'action="(/imports/[^"]+/review/\d+)">\s*<input type="hidden" name="csrf_token"'
            r'[^>]*>\s*<input type="hidden" name="action" value="accept">\s*'
            r'<input type="hidden" name="person_id" value="([^"]+)">',
            page,
        )
        if accept:
            with steps.step("one decision"):
                ok(
                    client.post(
                        accept.group(1),
                        data={"csrf_token": csrf, "action": "accept", "person_id": accept.group(2)},
                    )
                )
        doubtful = len(re.findall(r'<section class="review"', page))
        with steps.step("commit"):
            done = ok(client.post(f"{base}/commit", data={"csrf_token": csrf}))
        notice = ok(client.get(done.headers["location"]), 200).text
        found = re.search(r'role="status">([^<]+)<', notice)
        print(f"doubtful rows on the review page: {doubtful}")
        print(f"after the commit: {found.group(1).strip() if found else '(no notice)'}")
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER, help="server to use")
    args = parser.parse_args()
    os.environ["CONSULAR_SECURE_COOKIES"] = "false"  # plain HTTP on loopback
    with contextlib.ExitStack() as stack:
        database_url = scratch_database(stack, args.backend, args.postgres_url)
        passwords = build_demo(database_url).passwords
        listing, bad = host_list(database_url, args.rows)
        print(f"list: {args.rows} rows, {len(bad)} with an impossible date ({args.backend})")
        base_url = stack.enter_context(serve(database_url))
        walk(base_url, passwords["officer.kim"], listing, bad).print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
