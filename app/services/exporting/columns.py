"""What an export is: its columns (a key, the kind of value, a width for spreadsheets) and its rows.

Each export module (partners_export, contacts_export, deals_export, …) defines its COLUMNS and a
generator of rows, one tuple per row in COLUMNS order; the writers (csv_writer, xlsx_writer) turn
them into a file. Column keys are not labels: the routes put a translated label on each key (the
services speak no language), except the Orchard partners export, whose header is a fixed contract.

Values in rows: str (text), int / Decimal (numbers), bool, date, time, aware datetime (already in
the user's time zone), or None. A "percent" value is a share (0.25 is 25%); a "decimal" is a
measure such as an average (one decimal shown).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

KINDS = ("text", "integer", "amount", "decimal", "percent", "date", "time", "datetime", "bool")


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = "text"
    width: int = 18  # in characters, for the .xlsx

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass
class Export:
    """One file's worth: `name` goes into the file name (orchard-<name>-<date>.csv)."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterator[tuple]


# Rows are read in batches of this many: one query per batch for what each batch needs besides its
# own rows (e.g. the partners' primary contacts), so memory and queries per batch stay constant.
BATCH = 1000
