"""The statements of the restore that differ between SQLite and PostgreSQL: new ids, taken before
the rows are inserted (so a batch is one plain executemany, with no RETURNING — SQLite answers
RETURNING for many rows only one row at a time), and fresh planner statistics after the bulk insert."""

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


def refresh_statistics(session: Session, tables) -> None:
    """After a bulk insert into `tables`, before querying them (the summaries' rebuild): PostgreSQL's
    statistics still say the new workspace has no rows, and the rebuild's joins then take a plan
    made for none (minutes instead of seconds for 100,000 interactions). ANALYZE inside the
    transaction counts its own new rows. SQLite's statistics (if any) are per index, not per value:
    nothing to do."""
    if session.get_bind().dialect.name == "postgresql":
        for table in tables:
            session.execute(text(f'ANALYZE "{table.name}"'))
