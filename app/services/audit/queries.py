"""Reading the audit log: a partner's history and the workspace log with its filters, newest first,
by keyset (`before` = the id of the last event shown), and the names the shown changes refer to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Contact, Partner, User

PAGE_SIZE = 50
EXPORT_CHUNK = 1000
# Columns holding the id of a user, a partner or a contact: shown by name (one query per kind per page)
REFERENCES = {
    "owner_id": User,
    "assignee_id": User,
    "user_id": User,
    "created_by_id": User,
    "paid_by_id": User,
    "accepted_by_id": User,
    "changed_by_id": User,
    "partner_id": Partner,
    "referred_by_id": Partner,
    "merged_into_id": Partner,
    "referrer_id": Partner,
    "contact_id": Contact,
    "agreed_by_contact_id": Contact,
}


@dataclass(frozen=True)
class LogFilters:
    member_id: int | None = None
    object_type: str = ""
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


@dataclass
class Page:
    events: list[AuditEvent]
    next_before: int | None  # the `before` of the next (older) page, None on the last one
    names: dict  # (model, id) -> name of what the changes refer to


def _page(session: Session, stmt, before: int | None, limit: int | None) -> Page:
    limit = limit or PAGE_SIZE
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    rows = list(session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].id if more else None, referenced_names(session, rows))


def partner_history(session: Session, workspace_id: int, partner_id: int, *, before=None, limit=None) -> Page:
    """Everything recorded about the partner and its contacts, deals, terms, commissions, reminders,
    interactions and referral."""
    stmt = select(AuditEvent).where(AuditEvent.workspace_id == workspace_id, AuditEvent.partner_id == partner_id)
    return _page(session, stmt, before, limit)


def _filtered(workspace_id: int, filters: LogFilters):
    stmt = select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
    if filters.member_id is not None:
        stmt = stmt.where(AuditEvent.actor_user_id == filters.member_id)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < filters.until)
    return stmt


def workspace_log(session: Session, workspace_id: int, filters: LogFilters, *, before=None, limit=None) -> Page:
    return _page(session, _filtered(workspace_id, filters), before, limit)


def export_chunks(session: Session, workspace_id: int, filters: LogFilters) -> Iterator[Page]:
    """The whole filtered log, newest first, a chunk of events (and their names) at a time."""
    before = None
    while True:
        page = workspace_log(session, workspace_id, filters, before=before, limit=EXPORT_CHUNK)
        yield page
        if page.next_before is None:
            return
        before = page.next_before


def referenced_names(session: Session, events) -> dict:
    wanted: dict[type, set[int]] = {}
    for event in events:
        for name, values in (event.changes or {}).items():
            model = REFERENCES.get(name)
            if model is not None:
                wanted.setdefault(model, set()).update(v for v in values if isinstance(v, int))
    names = {}
    for model, ids in wanted.items():
        for id_, name in session.execute(select(model.id, model.name).where(model.id.in_(sorted(ids)))):
            names[(model, id_)] = name
    return names
