"""What a refused attack file costs the server: time and peak memory of the uvicorn process.

    .venv/bin/python benchmarks/upload_limits.py [--rows 1000000] [--csv-mb 49] [--body-mb 200]
        [--code DIR]

Builds a 1,000,000-row XLSX (a few MB, written part by part so it is quick to make), a 49 MB
CSV plan and a 200 MB multipart body, then sends each to the real application under uvicorn
in a child process on SQLite (a fresh server per file): the workbook and the CSV to
`POST /api/v1/screen` with an officer's token, the body unauthenticated to a workspace page.
It prints the answer, the time to it and the server's peak resident memory (VmHWM).
`--code DIR` runs the server on another checkout of the code (e.g. the code before the
limits, from `git archive`), to compare.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_registry import (
    POST,
    create_officer_token,
    free_port,
    wait_until_healthy,
)
from consular.auth.service import get_or_create_post
from consular.db import make_engine, make_session_factory, unit_of_work
from consular.migrate import upgrade
from consular.sealing import throwaway_key_unless_configured

# Synthetic people only: a throwaway data key unless one is configured (inherited by
# the processes started here).
throwaway_key_unless_configured()

SERVER_CODE = (
    "import sys, uvicorn\n"
    "from consular.app import create_app\n"
    "from consular.config import Settings\n"
    "uvicorn.run(create_app(Settings(database_url=sys.argv[1])), host='127.0.0.1',"
    " port=int(sys.argv[2]), log_level='warning')\n"
)
PLAN_HEADER = ["id", "nationality", "entry_date", "planned_days", "activity"]


def write_workbook(path: Path, rows: int) -> None:
    """A minimal valid XLSX whose one sheet has ``rows`` rows, streamed into the zip."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
            '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships"><sheets><sheet name="Plan" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(_sheet_row(1, PLAN_HEADER))
            for number in range(2, rows + 2):
                cells = [f"T-{number}", "KOR", "2025-10-01", "30", "installation"]
                sheet.write(_sheet_row(number, cells))
            sheet.write(b"</sheetData></worksheet>")


def _sheet_row(number: int, cells: list[str]) -> bytes:
    inline = "".join(f'<c t="inlineStr"><is><t>{cell}</t></is></c>' for cell in cells)
    return f'<row r="{number}">{inline}</row>'.encode()


def write_csv(path: Path, megabytes: int) -> None:
    line = b"T-%08d,KOR,2025-10-01,30,installation\n"
    with path.open("wb") as out:
        out.write(",".join(PLAN_HEADER).encode() + b"\n")
        number = 0
        while out.tell() < megabytes * 2**20:
            out.write(b"".join(line % (number + i) for i in range(10_000)))
            number += 10_000


def multipart_body(megabytes: int, sent: list[int]) -> Iterator[bytes]:
    yield (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n"
    )
    chunk = b"1,KIM\n" * 10_000
    while sent[0] < megabytes * 2**20:
        sent[0] += len(chunk)
        yield chunk
    yield b"\r\n--b--\r\n"


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def serve(database_url: str, code: str | None) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE, database_url, str(port)], env=env, cwd=code
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(process, base_url, 60)
        yield base_url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_case(database_url: str, code: str | None, name: str, send: object) -> None:
    with serve(database_url, code) as (base_url, pid):
        before = peak_rss_mb(pid)
        started = time.perf_counter()
        try:
            answer = send(base_url)  # type: ignore[operator]
            outcome = f"{answer.status_code}, {len(answer.content):,} bytes"
            message = answer.text[:160].replace("\n", " ")
        except httpx.HTTPError as exc:
            outcome, message = "no answer", repr(exc)
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb(pid)
    print(f"{name}: {outcome} in {elapsed:.2f} s; server peak RSS {peak:.0f} MB ", end="")
    print(f"(idle {before:.0f} MB)\n    {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--csv-mb", type=int, default=49)
    parser.add_argument("--body-mb", type=int, default=200)
    parser.add_argument("--code", help="run the server on this checkout of the code")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workbook, plan = Path(folder) / "plan.xlsx", Path(folder) / "plan.csv"
        write_workbook(workbook, args.rows)
        write_csv(plan, args.csv_mb)
        print(f"{workbook.name}: {args.rows:,} rows in {workbook.stat().st_size / 2**20:.1f} MB")
        print(f"{plan.name}: {plan.stat().st_size / 2**20:.1f} MB")
        database_url = f"sqlite:///{folder}/bench.db"
        engine = make_engine(database_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        with unit_of_work(factory) as db:
            get_or_create_post(db, POST, time_zone="America/New_York")
        token = create_officer_token(factory)
        engine.dispose()
        auth = {"Authorization": f"Bearer {token}"}

        def upload(path: Path) -> object:
            def send(base_url: str) -> httpx.Response:
                with path.open("rb") as file:
                    files = {"file": (path.name, file)}
                    return httpx.post(
                        f"{base_url}/api/v1/screen", files=files, headers=auth, timeout=900
                    )

            return send

        sent = [0]

        def body(base_url: str) -> httpx.Response:
            headers = {"Content-Type": "multipart/form-data; boundary=b"}
            content = multipart_body(args.body_mb, sent)
            return httpx.post(
                f"{base_url}/incidents/x/imports", content=content, headers=headers, timeout=900
            )

        run_case(database_url, args.code, f"POST /api/v1/screen {workbook.name}", upload(workbook))
        run_case(database_url, args.code, f"POST /api/v1/screen {plan.name}", upload(plan))
        run_case(database_url, args.code, f"unauthenticated {args.body_mb} MB body", body)
        print(f"    the client had produced {sent[0] / 2**20:.1f} MB of the body when answered")


if __name__ == "__main__":
    main()
