"""A workbook's zip archive read within a budget: its parts, as openpyxl inflates them, share
one count of inflated bytes, so that a small file that inflates to gigabytes (a zip bomb)
is stopped as soon as it passes the budget rather than after."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl.reader.excel import ExcelReader


class InflatedTooMuch(Exception):
    """A workbook's parts inflated past the budget while openpyxl read them."""


class BoundedArchive(zipfile.ZipFile):
    """A workbook's zip whose parts share one budget of inflated bytes, counted as read."""

    def __init__(self, data: bytes, budget: int) -> None:
        super().__init__(io.BytesIO(data))
        self.budget = budget
        self.inflated = 0

    def open(self, name: Any, mode: Any = "r", pwd: Any = None, **options: Any) -> Any:
        member = super().open(name, mode, pwd, **options)
        return _CountedPart(member, self) if mode == "r" else member

    def count(self, size: int) -> None:
        self.inflated += size
        if self.inflated > self.budget:
            raise InflatedTooMuch


class _CountedPart:
    """One part being inflated; ``read()`` without a size stops just past the budget."""

    def __init__(self, part: Any, archive: BoundedArchive) -> None:
        self._part = part
        self._archive = archive

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self._archive.budget - self._archive.inflated + 1
        chunk: bytes = self._part.read(size)
        self._archive.count(len(chunk))
        return chunk

    def close(self) -> None:
        self._part.close()

    def __enter__(self) -> _CountedPart:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def load_workbook(archive: BoundedArchive, data: bytes) -> Any:
    # openpyxl's load_workbook in read-only mode, but on the counting archive, so every part
    # it inflates (shared strings, styles, the sheet as it streams) is within the budget.
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    reader.archive.close()
    reader.archive = archive
    reader.read()
    return reader.wb
