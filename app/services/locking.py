"""Row locks for the rules that read, check and then write (the one place they are spelled).

On PostgreSQL (READ COMMITTED) `SELECT … FOR UPDATE` makes a second writer of the same rows wait
for the first to commit and then read the rows as they are now; the check then sees the first
writer's change and the loser gets the same message a sequential second attempt gets. On SQLite
the clause is not rendered: every writing transaction already holds the database's write lock from
its first statement (BEGIN IMMEDIATE, app/database.py).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import ObjectDeletedError

from app.models import Workspace
from app.services import Gone


def locked(stmt):
    """A SELECT of ORM rows that locks them and refreshes any copy already in the session."""
    return stmt.with_for_update().execution_options(populate_existing=True)


def lock(session: Session, obj) -> None:
    """Lock one loaded row and re-read it as committed now (before checking its state); Gone when
    someone deleted it meanwhile (the route answers 404, as a later try would)."""
    try:
        session.refresh(obj, with_for_update=True)
    except (ObjectDeletedError, InvalidRequestError):  # "could not refresh": the row is not there
        raise Gone() from None


def lock_workspace(session: Session, workspace_id: int) -> None:
    """Serialise the changes of a workspace-wide rule (the referral forest has no loops, a
    workspace keeps an owner) by locking the workspace row."""
    session.execute(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update())


def keep(session: Session, model, ident) -> None:
    """Keep a row from being deleted until this transaction ends (FOR KEY SHARE on PostgreSQL:
    edits of it go on, a delete waits) before adding rows that point at it; Gone when it already is."""
    kept = select(model.id).where(model.id == ident).with_for_update(read=True, key_share=True)
    if session.scalar(kept) is None:
        raise Gone()


def skip_locked(stmt, *of):
    """A SELECT that locks the rows it returns (of the tables `of`) and skips rows another
    transaction holds, so several workers claim different rows from one queue. PostgreSQL renders
    FOR UPDATE OF … SKIP LOCKED; on SQLite the write lock already serialises the claimers."""
    return stmt.with_for_update(skip_locked=True, of=of or None)
