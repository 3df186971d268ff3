"""Portable time arithmetic in SQL: whole seconds since the Unix epoch of a UTC datetime column.

SQLite stores Orchard's datetimes as naive UTC text, PostgreSQL as `timestamp`; both give the same
integer here, so rules can compare `now_seconds - epoch_seconds(column)` with a number of days.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

DAY = 86400


class epoch_seconds(FunctionElement):
    type = BigInteger()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds)
def _epoch_default(element, compiler, **kw):
    return f"CAST(floor(extract(epoch from {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


def seconds(moment: datetime) -> int:
    """The same number for a Python aware datetime (fractions of a second dropped)."""
    return calendar.timegm(moment.utctimetuple())
