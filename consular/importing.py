"""What every file import shares: its report, and the rules that refuse a file whole."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import BinaryIO

from pydantic import BaseModel, Field

from consular.config import Settings
from consular.errors import Conflict, InvalidInput
from consular.fields import RowError, limit_of, shorten_file_name
from consular.i18n import N_
from consular.i18n.message import Message
from consular.incidents.models import ImportDraft, SourceList
from consular.registry.models import RegistryImport
from consular.tabular import Limit, Table, TableError, TableLimits, read_table_bytes


def _limit(settings: Settings, name: str) -> Limit:
    return Limit(getattr(settings, name), f"CONSULAR_{name.upper()}")


def upload_limits(settings: Settings) -> TableLimits:
    """The bounds of a file sent to the API or the workspace."""
    return TableLimits(
        file_bytes=_limit(settings, "max_upload_bytes"),
        uncompressed_bytes=_limit(settings, "max_uncompressed_bytes"),
        rows=_limit(settings, "max_import_rows"),
        columns=_limit(settings, "max_import_columns"),
        cell_chars=_limit(settings, "max_cell_chars"),
    )


def command_line_limits(settings: Settings) -> TableLimits:
    """The bounds of a file the operator reads from disk with the command line: higher, as a
    whole registry comes this way, but bounded all the same."""
    return TableLimits(
        file_bytes=_limit(settings, "cli_max_file_bytes"),
        uncompressed_bytes=_limit(settings, "cli_max_uncompressed_bytes"),
        rows=_limit(settings, "cli_max_import_rows"),
        columns=_limit(settings, "max_import_columns"),
        cell_chars=_limit(settings, "max_cell_chars"),
    )


# The file name is kept with a list, a draft and a registry import alike.
_FILE_NAME_CHARS = min(
    limit_of(column)
    for column in (SourceList.file_name, ImportDraft.file_name, RegistryImport.file_name)
)


def read_upload(file: BinaryIO, filename: str, limits: TableLimits) -> Table:
    """An uploaded spreadsheet as a table; beyond a limit or unreadable is ``InvalidInput``.

    Never more than the size limit (and one byte) is read from ``file``.
    """
    data = file.read(limits.file_bytes.value + 1)
    # Whatever name the sender gives, the one kept fits every column that stores it.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = shorten_file_name(name, _FILE_NAME_CHARS)
    try:
        return read_table_bytes(data, name, limits=limits)
    except TableError as exc:
        raise InvalidInput(exc.message) from None


class ImportReport(BaseModel):
    """What an import did. Errors and warnings are listed by row and column.

    A warning names a value of a list that cannot be true (a birth date in the future): the
    row was imported without it, the value kept as written.
    """

    file_name: str
    file_sha256: str
    status: str  # imported, rejected
    rows_read: int = 0
    imported: int = 0
    linked: int = 0
    updated: int = 0
    new_persons: int = 0
    review: int = 0
    out_of_scope: int = 0
    cases_created: int = 0
    skipped: int = 0
    corrected: int = 0
    decided: int = 0
    source_list_id: str | None = None
    # How a list was read: each of its columns with the field it holds ("" for not used).
    columns: dict[str, str] = Field(default_factory=dict)
    date_format: str | None = None
    errors: list[dict[str, object]] = Field(default_factory=list)
    warnings: list[dict[str, object]] = Field(default_factory=list)

    @classmethod
    def start(cls, table: Table) -> ImportReport:
        return cls(
            file_name=table.source,
            file_sha256=table.sha256,
            status="rejected",
            rows_read=len(table.rows),
        )


def refuse_repeat(
    report: ImportReport,
    imported_at: datetime | None,
    imported_by: str | None,
    *,
    into_incident: bool = False,
) -> None:
    """The same file contents were imported before: say when and by whom, import nothing."""
    if imported_at is None:
        return
    if into_incident:
        template = N_(
            "%(file)s was already imported into this incident on %(at)s UTC by %(who)s "
            "(the same file contents)."
        )
    else:
        template = N_(
            "%(file)s was already imported on %(at)s UTC by %(who)s (the same file contents)."
        )
    raise Conflict(
        "import.repeated",
        template,
        details={"report": report.model_dump()},
        file=report.file_name,
        at=f"{imported_at:%Y-%m-%d %H:%M}",
        who=imported_by,
    )


def refuse_bad_rows(
    report: ImportReport, errors: Sequence[RowError], *, skip_invalid: bool, usable_rows: int
) -> None:
    """All or nothing: any bad row rejects the file, unless the caller asked to skip them."""
    report.errors = [e.as_dict() for e in errors]
    report.skipped = len({e.row for e in errors})
    if not errors or (skip_invalid and usable_rows > 0):
        return
    if all(e.row == 1 for e in errors):
        code, template = (
            "import.bad_header",
            N_(
                "%(file)s: %(count)s error(s); nothing was imported: the header (row 1) must name "
                "the columns this import needs."
            ),
        )
    else:
        code, template = (
            "import.bad_rows",
            N_(
                "%(file)s: %(count)s error(s); nothing was imported: fix the rows and import "
                "again, or skip the invalid rows (--skip-invalid)."
            ),
        )
    raise InvalidInput(
        code,
        template,
        details={"report": report.model_dump()},
        file=report.file_name,
        count=len(errors),
    )


def missing_columns(columns: Sequence[str]) -> list[RowError]:
    """The header (row 1) lacks these columns, each named as the import reads it."""
    said = Message("import.missing_column", N_("This column is missing from the file."))
    return [RowError(1, column, said) for column in columns]


class DuplicateIds:
    """Finds an id used twice in one file, naming the row where it was first seen."""

    def __init__(self, column: str = "id") -> None:
        self.column = column
        self._first: dict[str, int] = {}

    def check(self, ident: str, row: int) -> RowError | None:
        if not ident:
            return None
        first = self._first.setdefault(ident, row)
        if first == row:
            return None
        return RowError(
            row,
            self.column,
            Message(
                "row.duplicate_id",
                N_("The id “%(value)s” was already used on row %(row)s."),
                value=ident,
                row=first,
            ),
        )
