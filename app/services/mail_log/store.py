"""The one statement that differs between SQLite and PostgreSQL here: INSERT … ON CONFLICT DO
NOTHING RETURNING id — how a message is claimed once per workspace although an import, a sync and
a teammate's sync may log it at the same moment (the loser finds it taken: a duplicate)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_conflict(session: Session, table, values: dict, key: tuple[str, ...]) -> int | None:
    """Insert one row; its id, or None when a row with the same `key` (a unique constraint's
    columns) is there already — committed, or being inserted by a transaction this one waits for."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(**values).on_conflict_do_nothing(index_elements=list(key)).returning(table.c.id)
    return session.execute(stmt).scalar_one_or_none()
