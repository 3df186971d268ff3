"""Cursor (keyset) pagination for the API's lists.

Query arguments: `limit` (1..100, default 25), `cursor` (opaque, from the previous page's
`next_cursor`), `sort` (a field name, `-` in front for descending, from the resource's list),
`updated_since` (ISO 8601, includes equal). Body: `{"data": [...], "next_cursor": "…" | null}`.
Each page is one indexed range read, whatever the page number: the cursor holds the last row's
sort values and id, and the next page starts after them.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import and_, or_

from app.api.problems import problem

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


class AwareDateTime(fields.DateTime):
    """An ISO 8601 moment; one without an offset is read as UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ListArgs(Schema):
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page, 1 to {MAX_LIMIT}."},
    )
    cursor = fields.String(load_default=None, metadata={"description": "The previous page's next_cursor."})
    updated_since = AwareDateTime(
        load_default=None, metadata={"description": "Only items changed at or after this moment (ISO 8601)."}
    )


def list_args(name: str, sorts: tuple[str, ...], default: str, **filters) -> type[Schema]:
    """A resource's list arguments: ListArgs, `sort` among `sorts` (each also with `-`), its filters."""
    choices = [*sorts, *(f"-{s}" for s in sorts)]
    sort = fields.String(
        load_default=default,
        validate=validate.OneOf(choices, error=_l("Sort by one of: {choices}.")),
        metadata={"description": "A field name; a leading - sorts descending."},
    )
    return type(name, (ListArgs,), {"sort": sort, **filters})


def page_schema(item_schema) -> type[Schema]:
    """The documented body of a list: {"data": [items], "next_cursor": text | null}."""
    name = getattr(item_schema, "__name__", type(item_schema).__name__).removesuffix("Schema")
    return type(
        f"{name}Page",
        (Schema,),
        {
            "data": fields.List(fields.Nested(item_schema), required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
    )


def _encode(value):
    if isinstance(value, datetime):
        return {"t": value.astimezone(UTC).isoformat()}
    if isinstance(value, date):  # a day (due on, earned on): after datetime, which is a date too
        return {"day": value.isoformat()}
    if isinstance(value, Decimal):
        return {"d": str(value)}
    return value


def _decode(value):
    if isinstance(value, dict) and "t" in value:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and "day" in value:
        return date.fromisoformat(value["day"])
    if isinstance(value, dict) and "d" in value:
        return Decimal(value["d"])
    return value


def _bad_cursor():
    problem(422, errors={"cursor": [_("This cursor is not valid for this list. Start again without it.")]})


def _read_cursor(cursor: str, sort_key: str, width: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if data.get("s") != sort_key or len(data.get("v", ())) != width:
            _bad_cursor()
        return [_decode(v) for v in data["v"]]
    except (ValueError, TypeError, AttributeError, KeyError, binascii.Error, UnicodeError):
        _bad_cursor()


def _write_cursor(values: list, sort_key: str) -> str:
    raw = json.dumps({"s": sort_key, "v": [_encode(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def keyset_page(session, stmt, *, sort_columns, cursor: str | None, limit: int):
    """One page of `stmt` (a select of one entity) ordered by `sort_columns` — a list of
    (column attribute, descending) ending with a unique column (the id) — starting after `cursor`.
    The columns must be NOT NULL. Returns (rows, next_cursor or None)."""
    sort_key = ",".join(("-" if desc else "") + column.key for column, desc in sort_columns)
    if cursor:
        after = _read_cursor(cursor, sort_key, len(sort_columns))
        alternatives = []
        for i, (column, desc) in enumerate(sort_columns):
            equal = [c == v for (c, _d), v in zip(sort_columns[:i], after[:i], strict=True)]
            beyond = column < after[i] if desc else column > after[i]
            alternatives.append(and_(*equal, beyond))
        stmt = stmt.where(or_(*alternatives))
    stmt = stmt.order_by(*(column.desc() if desc else column.asc() for column, desc in sort_columns)).limit(limit + 1)
    rows = list(session.scalars(stmt))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _write_cursor([getattr(last, column.key) for column, _d in sort_columns], sort_key)
