"""A model row's column values as plain JSON and back: what an import's undo, a merge's undo and the
workspace backup keep of a row (one encoding for the three).

    values = column_values(partner)              # {"id": 7, "name": "Garden", "archived_at": "2026-…", …}
    restore(partner, values, skip=("id",))       # puts them back, decoded to the column types
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, Numeric, Time, inspect
from sqlalchemy.types import TypeDecorator


def column_values(obj, only: Iterable[str] | None = None) -> dict[str, Any]:
    """{column attribute: JSON-safe value} for every mapped column of `obj` (or only the named ones:
    then `obj` may also be a result row of those columns, read the same way — the backup streams
    rows without building objects). Datetimes become ISO 8601 with offset, dates and times ISO dates
    and times, Decimals strings (exact)."""
    names = list(only) if only is not None else [attr.key for attr in inspect(obj).mapper.column_attrs]
    return {name: encode(getattr(obj, name)) for name in names}


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode_values(model, values: dict[str, Any]) -> dict[str, Any]:
    """`values` as `column_values` wrote them, turned back into what each column of `model` holds.
    Unknown keys raise KeyError (a file from another schema must not be half-read)."""
    types = _column_types(model)
    return {name: _decode(types[name], value) for name, value in values.items()}


@cache
def _column_types(model) -> dict[str, Any]:
    return {attr.key: attr.columns[0].type for attr in inspect(model).column_attrs}


def restore(obj, values: dict[str, Any], skip: Iterable[str] = ("id",)) -> None:
    """Set `obj`'s columns back to `values` (as `column_values` wrote them), except those in `skip`."""
    skipped = set(skip)
    for name, value in decode_values(type(obj), values).items():
        if name not in skipped:
            setattr(obj, name, value)


def _decode(column_type, value: Any) -> Any:
    if value is None:
        return None
    kind = column_type.impl if isinstance(column_type, TypeDecorator) else column_type
    if isinstance(kind, DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Time):
        return time.fromisoformat(value)
    if isinstance(kind, Numeric):
        try:
            return Decimal(value)
        except (InvalidOperation, TypeError):
            raise ValueError(f"not a number: {value!r}") from None
    return value
