"""An item enters the Trash in the same flush as its delete; its entry goes when it comes back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.models import TrashEntry
from app.services.row_values import column_values

TRASH_DAYS = 30  # how long a deleted item can be restored; the purge deletes it for good after that
LABEL_LENGTH = 200


def discard(session: Session, kind: str, item_id: int) -> None:
    """The item is back (or gone for good): its entry leaves the Trash."""
    session.execute(
        delete(TrashEntry)
        .where(TrashEntry.kind == kind, TrashEntry.item_id == item_id)
        .execution_options(synchronize_session=False)
    )


def put(
    session: Session, kind: str, row, *, label: str | None, by_id: int | None, now: datetime, keep_values: bool = False
) -> TrashEntry:
    """Record a deleted contact, interaction or reminder `row` (a left-over entry of the same contact
    or interaction is replaced); `keep_values` keeps its column values, for a row that leaves its table
    (a reminder: its id may be given to a new one, so an older entry with that id is another's)."""
    if not keep_values:
        discard(session, kind, row.id)
    entry = TrashEntry(
        workspace_id=row.workspace_id,
        kind=kind,
        item_id=row.id,
        partner_id=row.partner_id,
        label=(label or "").strip()[:LABEL_LENGTH],
        deleted_at=now,
        deleted_by_id=by_id,
        payload=column_values(row) if keep_values else None,
    )
    session.add(entry)
    session.flush()
    return entry
