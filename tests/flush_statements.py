"""What a test counts when it asks how much work a flush does: the statements run inside the
session's flushes (the summaries' hooks and the ORM's own writes), as (text, parameters, executemany)."""

from __future__ import annotations

import contextlib

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db


@contextlib.contextmanager
def statements_in_flushes():
    seen, flushing = [], []

    def start(session, flush_context, instances):
        flushing.append(True)

    def stop(session, flush_context):
        flushing.clear()

    def keep(conn, cursor, statement, params, context, executemany):
        if flushing:
            seen.append((statement, params, executemany))

    event.listen(Session, "before_flush", start)
    event.listen(Session, "after_flush_postexec", stop)
    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
        event.remove(Session, "after_flush_postexec", stop)
        event.remove(Session, "before_flush", start)
