"""A list as a file: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese)
and XLSX (openpyxl). The rows are what the caller already decided the reader may see; this module
only writes them. Reads nothing; raises ``InvalidRequestError`` for an unknown format."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from earchive.core.errors import InvalidRequestError

__all__ = ["FORMATS", "TableFile", "table_bytes", "workbook_bytes"]

#: Format → media type of the file.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Cell = str | int | float | None


@dataclass(frozen=True)
class TableFile:
    """A titled table: the sheet's name, one header row, the data rows."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _csv(table: TableFile) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(["" if c is None else c for c in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def workbook_bytes(tables: Sequence[TableFile]) -> bytes:
    """An XLSX workbook with one sheet per table (named by its title, at most 31 characters)."""
    book = Workbook()
    first = book.active
    for n, table in enumerate(tables):
        sheet = first if n == 0 and first is not None else book.create_sheet()
        for bad in "[]:*?/\\":
            table = TableFile(table.title.replace(bad, " "), table.headers, table.rows)
        sheet.title = table.title[:31] or f"Sheet{n + 1}"  # Excel's limit on a sheet name
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        for index, width in enumerate(_widths(table.headers, table.rows), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx(table: TableFile) -> bytes:
    return workbook_bytes([table])


def _widths(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[float]:
    """Column widths from the longest text (a CJK character counts twice), capped at 60."""

    def width(value: Cell) -> int:
        text = "" if value is None else str(value)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    out = [float(width(h)) for h in headers]
    for row in rows[:500]:
        for i, value in enumerate(row[: len(out)]):
            out[i] = max(out[i], float(width(value)))
    return [min(w + 2, 60.0) for w in out]


def table_bytes(table: TableFile, fmt: str) -> bytes:
    """The table as ``fmt`` (``csv`` or ``xlsx``; anything else: ``InvalidRequestError``)."""
    if fmt == "csv":
        return _csv(table)
    if fmt == "xlsx":
        return _xlsx(table)
    raise InvalidRequestError(f"format: choose one of {', '.join(FORMATS)}")
