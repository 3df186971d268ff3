"""How Orchard talks to its database engines: the per-dialect settings, in one place.

SQLite (the embedded default): foreign keys on, WAL journal, and write transactions that take the
write lock when they begin (`BEGIN IMMEDIATE`). SQLite allows one writer at a time; a transaction
that read under a plain `BEGIN` and then writes fails at once ("database is locked") if another
writer got in between, and anything it read may already be stale. Taking the lock first makes every
read-check-write of a writing request one atomic step, waiting (up to the busy timeout) for the
other writer instead of failing. Requests with a safe method (GET, HEAD, OPTIONS) only read and
begin deferred, so pages never wait for a writer.

PostgreSQL runs READ COMMITTED: the rules that read and then write lock the rows they read
(`SELECT … FOR UPDATE`), use conditional updates, relative counters or upserts instead. Its
connections plan without parallel workers: a page's queries read a few rows through indexes, and
starting workers cost more than the work (a search of a dozen deals took 5 ms in the workers'
start-up once the planner's estimate for a full-text match — which it cannot know — crossed the
parallel threshold at 50,000 partners).
"""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

_read_only: ContextVar[bool] = ContextVar("orchard_read_only", default=False)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def begin_read_only_for(method: str):
    """For a request: read-only when its method is safe. Returns the token to reset afterwards."""
    return _read_only.set(method in SAFE_METHODS)


def end_request(token) -> None:
    _read_only.reset(token)


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        dbapi_connection.commit()
        return
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # The driver's own implicit BEGIN is switched off; _sqlite_begin below emits ours.
        dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")
