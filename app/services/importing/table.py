"""What every reader gives the import: a Table (its headers and a fresh stream of its rows), the error a
file that cannot be read raises, and the header rules all formats share (where the header row is,
blank and repeated headers made readable)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from app.messages import N_plural, Text
from app.services import ServiceError
from app.services.exporting.csv_writer import FORMULA_STARTS

HEADER_SEARCH_ROWS = 10  # a header row below a preamble ("Notes: ...") is looked for this far down


class ImportFileError(ServiceError):
    """The uploaded file cannot be read as a table; the message says why and what to do."""

    def __init__(self, message: str, **params):
        super().__init__(message, field="file", **params)


@dataclass(eq=False)
class Table:
    """A file read as a table. `rows()` reads the file again each call (a new streaming iterator): every
    row is a list of str exactly as long as `headers`, blank rows left out."""

    format: str  # "csv" | "xlsx" | "vcard"
    headers: list[str]
    encoding: str | None = None  # csv and vcard: the detected text encoding ("utf_8_sig", "cp1251", ...)
    delimiter: str | None = None  # csv: "," ";" "\t" "|"
    warnings: list[Text] = field(default_factory=list)  # what was skipped ("Card 7 could not be read ...")
    source: Callable[[], Iterable[Sequence[str]]] = field(default=tuple, repr=False)  # the data rows, raw
    count: int | None = field(default=None, repr=False)  # known when the reader has already counted

    def rows(self) -> Iterator[list[str]]:
        width = len(self.headers)
        for raw in self.source():
            cells = [_clean(cell) for cell in raw[:width]]
            if any(cells):
                if len(cells) < width:
                    cells.extend([""] * (width - len(cells)))
                yield cells

    def row_count(self) -> int:
        if self.count is None:
            self.count = sum(1 for _ in self.rows())
        return self.count


def _clean(cell: str) -> str:
    """A cell without surrounding whitespace, its line breaks "\n" whichever system wrote them, and
    without the apostrophe a spreadsheet export puts before text that would read as a formula."""
    cell = cell.strip()
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_STARTS:
        cell = cell[1:]
    return cell.replace("\r\n", "\n").replace("\r", "\n") if "\r" in cell else cell


def header_index(records: list[Sequence[str]]) -> int | None:
    """Where the header is among a file's first records: the first non-blank one — unless that is a
    lone cell (a title, LinkedIn's "Notes:" lines) and a later record among the first few has at least
    two filled cells, which is then the header. None when every record is blank."""
    filled = [sum(1 for cell in record if cell.strip()) for record in records]
    first = next((i for i, count in enumerate(filled) if count), None)
    if first is None or len(records[first]) > 1:
        return first
    later = next((i for i in range(first + 1, min(len(records), HEADER_SEARCH_ROWS)) if filled[i] >= 2), None)
    return first if later is None else later


def skipped_above(records: list[Sequence[str]], index: int, offset: int = 0) -> list[Text]:
    """The warning that filled rows above the header (a title, LinkedIn's notes) were not imported."""
    skipped = sum(1 for record in records[:index] if used_width(record))
    if not skipped:
        return []
    return [
        Text(
            N_plural(
                "The header is row %(row)s; the row above it was skipped.",  # at most 9 above (HEADER_SEARCH_ROWS)
                "The header is row %(row)s; the %(num)s rows above it were skipped.",
                skipped,
            ),
            row=str(index + 1 + offset),
        )
    ]


MAX_COLUMNS = 300


def readable_headers(raw: Sequence[str], width: int) -> list[str]:
    """The header row as the user should see it: whitespace collapsed, a blank header named after its
    position ("Column 3"), a repeated one numbered ("Email (2)"), padded to `width` columns. A file
    wider than MAX_COLUMNS is refused: no export people have is, and its mapping page would be huge."""
    if width > MAX_COLUMNS:
        raise ImportFileError(
            "This file has %(width)s columns; Orchard reads files of up to %(limit)s. "
            "Remove the columns you do not need.",
            width=width,
            limit=MAX_COLUMNS,
        )
    names = [re.sub(r"\s+", " ", cell).strip() for cell in raw[:width]]
    names.extend([""] * (width - len(names)))
    seen: set[str] = set()
    headers = []
    for position, name in enumerate(names, start=1):
        base = name or f"Column {position}"
        candidate, copy = base, 1
        while candidate.casefold() in seen:
            copy += 1
            candidate = f"{base} ({copy})"
        seen.add(candidate.casefold())
        headers.append(candidate)
    return headers


def used_width(record: Sequence[str]) -> int:
    """How many leading cells of `record` matter: up to its last non-blank one."""
    for index in range(len(record) - 1, -1, -1):
        if record[index].strip():
            return index + 1
    return 0
