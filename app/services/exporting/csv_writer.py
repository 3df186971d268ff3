"""The one CSV writer of the app: every CSV download (the partners list, contacts, deals,
interactions, reminders, the commission ledger) is written here.

    for chunk in write_csv(rows, headers, dialect="semicolon", bom=True):
        ...  # text chunks of about 64 KB, ready to stream

Formula escaping: a text cell a spreadsheet would run as a formula (it starts with = + - @, a tab or
a carriage return) gets a leading apostrophe, so "=HYPERLINK(…)" typed into a partner's notes shows
as text and never runs. Only text is escaped: numbers (int, Decimal, float) are written as numbers,
so an amount of -5 stays -5 and sums in the spreadsheet. Dates and datetimes are ISO 8601.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal

# dialect name -> the field delimiter. "semicolon" is what Excel expects in locales whose decimal
# separator is a comma (most of Europe, Russia); with a BOM it also reads the file as UTF-8.
DELIMITERS = {"comma": ",", "semicolon": ";"}
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024  # characters gathered before a chunk is handed on


def escape_formula(text: str) -> str:
    """`text` as a spreadsheet shows it literally: a leading apostrophe when it would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_text(value) -> str:
    """One cell as CSV text: None empty, numbers as they are, dates ISO, booleans true/false, text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    return escape_formula(str(value))


def write_csv(
    rows: Iterable[Sequence], headers: Sequence[str], *, dialect: str = "comma", bom: bool = False
) -> Iterator[str]:
    """The CSV text of `headers` then `rows`, in chunks (a generator: nothing is held but one chunk).
    Cells holding the delimiter, quotes or newlines are quoted (the csv module's minimal quoting);
    lines end with CRLF (RFC 4180)."""
    if dialect not in DELIMITERS:
        raise ValueError(f"unknown CSV dialect {dialect!r}")
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITERS[dialect], lineterminator="\r\n")
    writer.writerow([cell_text(h) for h in headers])
    for row in rows:
        writer.writerow([cell_text(value) for value in row])
        if buffer.tell() > CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
