"""The few statements that differ between SQLite and PostgreSQL, behind named helpers.

* `upsert(...)`: INSERT … ON CONFLICT (key) DO UPDATE — both engines have it, SQLAlchemy spells it
  per dialect.
* `not_by_index(column)`: a column SQLite's planner is not to reach through an index (its unary
  "+"), where it would otherwise walk a whole workspace in the workspace's index; PostgreSQL
  weighs the conditions by its statistics and gets the column as it is.
(Row locks — SELECT … FOR UPDATE on PostgreSQL — are app/services/locking.py's `locked`.)
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


def _insert_for(dialect_name: str):
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


def upsert(connection, table, rows_or_select, key, *, update=None, add=None, columns=None):
    """Insert rows (a list of dicts with the same keys, or a SELECT with `columns`); where a row
    with the same `key` (column names or expressions of a unique index) exists, set the `update`
    columns to the new values, or add the new values to the `add` columns (atomic counters)."""
    if isinstance(rows_or_select, list) and not rows_or_select:
        return
    insert = _insert_for(connection.dialect.name)(table)
    if isinstance(rows_or_select, list):
        # the rows as parameters of one executemany (they have the same keys): the statement is
        # compiled once and cached, where a multi-row VALUES is compiled again for every row count
        stmt, rows = insert, rows_or_select
    else:
        stmt, rows = insert.from_select(columns, rows_or_select), None
    excluded = stmt.excluded
    changes = {name: excluded[name] for name in (update or ())}
    changes.update({name: table.c[name] + excluded[name] for name in (add or ())})
    connection.execute(stmt.on_conflict_do_update(index_elements=key, set_=changes), rows)


class NotByIndex(ColumnElement):
    """A column the planner is not to reach through an index (SQLite: the unary "+"): a list being
    searched is then read from its few matches by id, not by walking every row of the workspace in
    the list's index and testing each against the matches (7 ms → 0.1 ms for 5 matches in 50,000
    partners); a summary's flush hook reads the touched partners' rows by the partners' index, not
    every touch of the workspace (65 ms → 0.5 ms for 60 partners among 5,000 with 50,000 touches).
    PostgreSQL weighs the conditions by its statistics and needs no hint."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column):
        self.column = column
        self.type = column.type


@compiles(NotByIndex)
def _not_by_index(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(NotByIndex, "sqlite")
def _not_by_index_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.column, **kw)


def not_by_index(column) -> ColumnElement:
    return NotByIndex(column)
