"""What the reader tests share: the fixtures folder and small ways to look at a Table."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.importing.readers import ImportFileError, Table, read_table

FILES = Path(__file__).parent / "files"


def read(name: str, as_name: str | None = None) -> Table:
    return read_table((FILES / name).read_bytes(), as_name or name)


def rows_of(table: Table) -> list[list[str]]:
    return list(table.rows())


def column(table: Table, header: str) -> list[str]:
    index = table.headers.index(header)
    return [row[index] for row in table.rows()]


def failure(data: bytes, name: str) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_table(data, name)
    assert caught.value.field == "file"
    return caught.value.message
