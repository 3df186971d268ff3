"""The few statements that differ between SQLite and PostgreSQL, behind named helpers.

* `upsert(...)`: INSERT … ON CONFLICT (key) DO UPDATE — both engines have it, SQLAlchemy spells it
  per dialect.
(Row locks — SELECT … FOR UPDATE on PostgreSQL — are app/services/locking.py's `locked`.)
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite


def _insert_for(dialect_name: str):
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


def upsert(connection, table, rows_or_select, key, *, update=None, add=None, columns=None):
    """Insert rows (a list of dicts, or a SELECT with `columns`); where a row with the same `key`
    (column names or expressions of a unique index) exists, set the `update` columns to the new
    values, or add the new values to the `add` columns (atomic counters)."""
    insert = _insert_for(connection.dialect.name)(table)
    if isinstance(rows_or_select, list):
        stmt = insert.values(rows_or_select)
    else:
        stmt = insert.from_select(columns, rows_or_select)
    excluded = stmt.excluded
    changes = {name: excluded[name] for name in (update or ())}
    changes.update({name: table.c[name] + excluded[name] for name in (add or ())})
    connection.execute(stmt.on_conflict_do_update(index_elements=key, set_=changes))
