"""Excel .xlsx workbooks as a Table (openpyxl, read-only and values only): the first worksheet that has
anything in it, its first filled row the header (below a title row, if there is one); numbers as a
person reads them ("12", not "12.0"), dates as ISO dates."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Iterator
from itertools import islice

from openpyxl import load_workbook

from app.messages import N_, Text
from app.services.importing.table import (
    HEADER_SEARCH_ROWS,
    ImportFileError,
    Table,
    header_index,
    readable_headers,
    skipped_above,
    used_width,
)

DAMAGED = N_("This .xlsx file is damaged and cannot be opened. Open it in Excel, save it again, or save it as CSV.")


def read_xlsx(data: bytes) -> Table:
    _check_archive(data)
    sheets = _sheets(data)
    try:
        for sheet_index, sheet_name, records in sheets:
            first = list(islice(records, HEADER_SEARCH_ROWS))
            index = header_index([_trimmed(record) for record in first])
            if index is not None:
                chosen = sheet_index
                notes = (
                    [Text('Sheet "%(sheet)s" was read: the sheets before it are empty.', sheet=sheet_name)]
                    if sheet_index
                    else []
                )
                notes += skipped_above(first, index)
                break
        else:
            raise ImportFileError("The workbook is empty: none of its sheets has anything in it.")
        header = first[index]
        width, count = used_width(header), 0
        for record in _chain(first, index, records):  # one pass: the widest row and the row count
            used = used_width(record)
            if used:
                count += 1
                width = max(width, used)
    finally:
        sheets.close()
    skip = index + 1
    return Table(
        format="xlsx",
        headers=readable_headers(header, max(width, 1)),
        warnings=notes,
        source=lambda: islice(_sheet_records(data, chosen), skip, None),
        count=count,
    )


def _chain(first: list, index: int, rest: Iterator) -> Iterator:
    yield from first[index + 1 :]
    yield from rest


def _trimmed(record: list[str]) -> list[str]:
    return record[: used_width(record)]


def _check_archive(data: bytes) -> None:
    """A zip that is not a workbook gets a message saying what it is instead."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            kind = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(DAMAGED) from None
    if "xl/workbook.xml" in names:
        return
    if "opendocument.spreadsheet" in kind:
        raise ImportFileError("This is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV.")
    if "word/document.xml" in names or "opendocument.text" in kind:
        raise ImportFileError("This is a text document, not a spreadsheet; save the table as .xlsx or CSV.")
    raise ImportFileError("This is a zip archive, not an Excel workbook. Upload the .xlsx or CSV file itself.")


def _open(data: bytes):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged archive (KeyError, XML errors, ...)
        raise ImportFileError(DAMAGED) from None


def _sheets(data: bytes) -> Iterator[tuple[int, str, Iterator[list[str]]]]:
    workbook = _open(data)
    try:
        for index, sheet in enumerate(workbook.worksheets):
            if hasattr(sheet, "iter_rows"):  # chartsheets have no cells
                yield index, sheet.title, _records(sheet)
    finally:
        workbook.close()


def _sheet_records(data: bytes, sheet_index: int) -> Iterator[list[str]]:
    workbook = _open(data)
    try:
        yield from _records(workbook.worksheets[sheet_index])
    finally:
        workbook.close()


def _records(sheet) -> Iterator[list[str]]:
    """The sheet's rows as text. Its stored dimensions are not trusted (some programs write "A1" for
    a full sheet, and read-only openpyxl would stop there): rows are read as long as the file has them."""
    try:
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in values]
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(DAMAGED) from None


def cell_text(value) -> str:
    """A cell as a person reads it: whole numbers without ".0", dates as ISO, booleans as Excel shows them."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):  # as Excel shows it: 15 significant digits, 0.1 + 0.2 is "0.3"
        shown = float(format(value, ".15g"))
        return str(int(shown)) if shown.is_integer() else format(shown, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.microsecond == 0 else "auto")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)
