"""Reading an uploaded file as a table: CSV (any delimiter, any encoding), Excel .xlsx and vCard.

    table = read_table(data, "clients.csv")
    table.headers            -> ["Name", "Company", "Email"]
    for row in table.rows(): -> ["Anna Müller", "Müller & Söhne GmbH", "anna@mueller.de"], ...

The format is chosen by the content (a .csv that is really a workbook reads as one), the extension
only breaks ties and names the problem. Rows are streamed from the bytes of the upload each time
`rows()` is called; nothing is held twice. A file that cannot be read raises ImportFileError with a
message for the user.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from itertools import islice

from app.services.importing import text as texts
from app.services.importing.table import (
    HEADER_SEARCH_ROWS,
    ImportFileError,
    Table,
    header_index,
    readable_headers,
    skipped_above,
    used_width,
)

DELIMITERS = (",", ";", "\t", "|")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected workbooks
ZIP_SIGNATURE = b"PK\x03\x04"
CELL_LIMIT_KB = csv.field_size_limit() // 1024
_SOMETHING = re.compile(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]")
_SEP_LINE = re.compile(r"sep=([,;\t|])\r?\n", re.IGNORECASE)
SNIFF_SAMPLE = 16 * 1024  # csv.Sniffer needs a few lines, and is slow on long samples

__all__ = ["ImportFileError", "Table", "read_table"]


def read_table(data: bytes, filename: str) -> Table:
    """`data` (the uploaded file, named `filename`) read as a Table; ImportFileError when it is empty,
    damaged, or not a table Orchard can read."""
    extension = os.path.splitext(filename or "")[1].lower()
    if not _SOMETHING.search(data):  # only whitespace and byte-order marks (searched: no copy of the file)
        raise ImportFileError("The file is empty.")
    if data.startswith(OLE_SIGNATURE):
        raise ImportFileError(
            "This looks like an old .xls file; save it as .xlsx or CSV. (A password-protected workbook "
            "looks the same: remove the password first.)"
        )
    if data.startswith(ZIP_SIGNATURE):
        from app.services.importing.xlsx_reader import read_xlsx

        return read_xlsx(data)
    encoding = texts.detect_encoding(data)
    sample = texts.text_sample(data, encoding) if encoding else ""
    if encoding is None or texts.looks_binary(sample):
        if extension in (".xlsx", ".xlsm"):
            raise ImportFileError(
                "This .xlsx file is damaged and cannot be opened. Open it in Excel, save it again, or save it as CSV."
            )
        raise ImportFileError(
            "This file is not one Orchard can read. Upload a CSV file, an Excel .xlsx workbook or a vCard .vcf file."
        )
    if _is_markup(sample):
        raise ImportFileError(
            "This is a web page or an XML spreadsheet saved under a spreadsheet's name. Open it in Excel and "
            "save it as .xlsx or CSV."
        )
    if _is_vcard(sample):
        from app.services.importing.vcard_reader import read_vcard

        return read_vcard(data, encoding)
    table = _read_csv(data, encoding, sample)
    if extension == ".vcf" and len(table.headers) < 2:  # not a table either: a damaged address book
        raise ImportFileError("This .vcf file holds no contact cards (no BEGIN:VCARD line).")
    return table


def _is_markup(sample: str) -> bool:
    start = sample.lstrip("\ufeff \t\r\n")[:512].lower()
    return start.startswith(("<!doctype html", "<html", "<table", "<?xml")) and (
        "<html" in start or "<table" in start or "spreadsheet" in sample[:4096].lower()
    )


def _is_vcard(sample: str) -> bool:
    for line in sample.lstrip("\ufeff").splitlines()[:20]:
        if line.strip():
            if line.strip().upper().startswith("BEGIN:VCARD"):
                return True
            if ":" not in line:  # a header row or data; a vCard has "NAME:value" lines only
                return False
    return False


# --- CSV -------------------------------------------------------------------------------------------


def _read_csv(data: bytes, encoding: str, sample: str) -> Table:
    declared = _SEP_LINE.match(sample.lstrip("\ufeff"))  # Excel's "sep=;" first line names the delimiter
    delimiter = declared.group(1) if declared else sniff_delimiter(sample)
    records = _csv_records(data, encoding, delimiter)
    if declared:
        next(records, None)
    first = list(islice(records, HEADER_SEARCH_ROWS))
    index = header_index(first)
    if index is None:
        raise ImportFileError("The file is empty.")
    header = first[index]
    width, count = used_width(header), 0
    for record in _chain(first[index + 1 :], records):  # one pass: the widest row and the row count
        used = used_width(record)
        if used:
            count += 1
            width = max(width, used)
    skip = index + 1 + (1 if declared else 0)
    return Table(
        format="csv",
        headers=readable_headers(header, max(width, 1)),
        encoding=encoding,
        delimiter=delimiter,
        warnings=skipped_above(first, index, offset=1 if declared else 0),
        source=lambda: islice(_csv_records(data, encoding, delimiter), skip, None),
        count=count,
    )


def _chain(head: list, tail: Iterator) -> Iterator:
    yield from head
    yield from tail


def _csv_records(data: bytes, encoding: str, delimiter: str) -> Iterator[list[str]]:
    """Every record of the CSV file, streamed; a broken quote or an oversized cell is an
    ImportFileError naming the line it starts on."""
    reader = csv.reader(texts.open_text(data, encoding), delimiter=delimiter)
    held, held_start, held_lines = None, 0, 0  # the last record is checked for a quote never closed
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportFileError(
                    'Line %(line)s: a cell is longer than %(limit)s KB. Most likely a quote (") '
                    "opens a cell and is never closed; fix it and upload the file again.",
                    line=start,
                    limit=CELL_LIMIT_KB,
                ) from None
            raise ImportFileError(
                "Line %(line)s cannot be read: %(problem)s.", line=start, problem=str(error)
            ) from None
        if held is not None:
            yield held
        held, held_start, held_lines = record, start, reader.line_num - start + 1
    if held is None:
        return
    if held_lines > 1 and held and _ends_inside_quote(data, encoding, delimiter, held_start):
        raise ImportFileError(
            'Line %(line)s: a quote (") opens a cell that is never closed, so the rest of the file '
            "would be read as one cell. Fix the quote and upload the file again.",
            line=held_start,
        )
    yield held


def _ends_inside_quote(data: bytes, encoding: str, delimiter: str, start: int) -> bool:
    """Whether the file's last record, which starts on line `start` and spans several lines, is one
    whose quote never closes (read strictly from its first line, it ends in "unexpected end of data")."""
    lines = islice(texts.open_text(data, encoding), start - 1, None)
    try:
        next(csv.reader(lines, delimiter=delimiter, strict=True), None)
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV file from its first lines. Each candidate is tried: the one that gives a
    header of two or more columns, right at the top (not below a "preamble" it made up by not
    splitting the real header), with the rows below it as wide as it, fits. csv.Sniffer's answer wins
    among equally good fits; else the one found most often outside quotes on the header line."""
    sample = sample.lstrip("\ufeff")[:SNIFF_SAMPLE]
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut > 0:
        sample = sample[:cut]
    fits = {delimiter: _fit(sample, delimiter) for delimiter in DELIMITERS}
    best = max(fits.values())
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in fits and fits[sniffed] == best:
        return sniffed
    tied = [delimiter for delimiter in DELIMITERS if fits[delimiter] == best]
    counted = _counted_delimiter(sample)
    return counted if counted in tied else tied[0]


def _fit(sample: str, delimiter: str) -> tuple:
    """How well `delimiter` splits the sample: (a header of 2+ columns, the share of rows below it as
    wide, the header found at the very top, its width)."""
    records = list(islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 50))
    index = header_index(records[:HEADER_SEARCH_ROWS])
    if index is None or len(records[index]) < 2:
        return (False, 0.0, False, 0)
    width = len(records[index])
    below = [record for record in records[index + 1 :] if used_width(record)]
    fitting = sum(1 for record in below if len(record) == width or used_width(record) <= width < len(record))
    top = not any(used_width(record) for record in records[:index])
    return (True, round(fitting / len(below), 2) if below else 1.0, top, width)


def _counted_delimiter(sample: str) -> str:
    """The delimiter found most often outside quotes on one of the first lines (ties: , ; tab |)."""
    best, best_count = ",", 0
    for line in sample.splitlines()[:HEADER_SEARCH_ROWS]:
        outside, quoted = [], False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif not quoted:
                outside.append(char)
        for delimiter in DELIMITERS:
            count = outside.count(delimiter)
            if count > best_count:
                best, best_count = delimiter, count
    return best
