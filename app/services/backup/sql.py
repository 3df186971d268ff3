"""The one statement of the restore that differs between SQLite and PostgreSQL: new ids, taken
before the rows are inserted (so a batch is one plain executemany, with no RETURNING — SQLite
answers RETURNING for many rows only one row at a time)."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session


def allocate_ids(session: Session, table, count: int) -> list[int]:
    """`count` new ids for `table`, in ascending order, that no other writer will use.

    PostgreSQL: taken from the id column's sequence (nextval reserves them, whoever else inserts).
    SQLite: the ids after the largest one; the restore's transaction holds the database's write
    lock from its first statement (BEGIN IMMEDIATE, app/database.py), so nobody else inserts
    before it commits."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        sequence = session.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
        return list(
            session.scalars(
                text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n) ORDER BY 1"),
                {"sequence": sequence, "n": count},
            )
        )
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))
