"""Excel (.xlsx) files, written with openpyxl's write-only workbook (rows go straight to disk, so a
50,000-row export holds one row in memory at a time).

The header row is bold and frozen, each column has its width, dates and datetimes are real
spreadsheet dates (datetimes in the user's wall-clock time: Excel has no time zones), amounts and
integers are numbers (the currency is its own column), text is always a text cell, so a value
starting with "=" shows as typed and never runs as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.services.exporting.columns import Column

MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
FORMATS = {
    "date": "yyyy-mm-dd",
    "time": "hh:mm",
    "datetime": "yyyy-mm-dd hh:mm",
    "amount": "#,##0.00",
    "integer": "0",
    "decimal": "0.0",
    "percent": "0.0%",
}


def _value(column: Column, value):
    if value is None:
        return None
    if column.kind == "datetime" and isinstance(value, datetime):
        return value.replace(tzinfo=None)  # the wall-clock time it already is in
    if isinstance(value, str):
        # control characters other than tab and newlines are not allowed in the file format
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
    return value


def write_xlsx(
    out: BinaryIO, columns: Sequence[Column], headers: Sequence[str], rows: Iterable[Sequence], *, title: str
) -> None:
    """Write the workbook (one sheet named `title`) to the binary file `out`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_value(Column("header"), str(header)))
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for column, raw in zip(columns, row, strict=True):
            value = _value(column, raw)
            if isinstance(value, str):
                if value.startswith(("=", "#")):  # openpyxl would make these a formula or an error
                    value = WriteOnlyCell(sheet, value=value)
                    value.data_type = "s"  # never a formula, whatever it starts with
            elif column.kind in FORMATS and value is not None:
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = FORMATS[column.kind]
            cells.append(value)  # plain values are written as they are (cheaper than a cell each)
        sheet.append(cells)
    workbook.save(out)
