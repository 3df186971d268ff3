"""Reminders: follow-ups someone in the workspace should do, optionally about a partner.

Rules (also shown on the help page):
- A reminder is due on a date (`due_on`), optionally at a time (`due_time`), both read in the
  assignee's time zone. Without an explicit assignee it goes to whoever created it.
- Buckets, for a user whose local date is `today`: **overdue** = open and due before today;
  **today** = open and due today; **upcoming** = open and due later; **done** = completed.
  "Due" (the navigation badge, the digest) means overdue + today.
- Snooze moves the due date and counts the snooze: *tomorrow* = today + 1 day; *next week* =
  the next Monday strictly after today (so on a Monday it is the Monday a week later); *pick a
  date* = that date. "Today" is the acting user's local date, so a snooze never lands in the past:
  a picked date before today is refused. Snoozing a completed reminder is refused.
- Completing records when; reopening clears it. Deleting is for mistakes and is asked to confirm.

Flask-free: every function takes the session and the `now` / `today` it needs, may flush, never commits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.messages import N_plural
from app.models import Partner, Reminder
from app.services import ServiceError, trash
from app.services.accounts import is_member
from app.services.pagination import Page
from app.services.reminder_partners import partner_choices

TITLE_MAX = 200
NOTES_MAX = 5000
BUCKETS = ("overdue", "today", "upcoming", "done")


# --- time -------------------------------------------------------------------------------------


def next_monday(today: date) -> date:
    """The first Monday strictly after `today` (a Monday gives the Monday a week later)."""
    return today + timedelta(days=7 - today.weekday())


def snooze_target(until: str | date, today: date) -> date:
    if isinstance(until, datetime):
        until = until.date()
    if isinstance(until, date):
        if until < today:
            raise ServiceError(
                "Pick today or a later date: a snooze cannot move a reminder into the past.", field="until"
            )
        return until
    if until == "tomorrow":
        return today + timedelta(days=1)
    if until == "next_week":
        return next_monday(today)
    raise ServiceError("Choose tomorrow, next week or a date.", field="until")


def bucket(reminder: Reminder, today: date) -> str:
    if reminder.completed_at is not None:
        return "done"
    if reminder.due_on < today:
        return "overdue"
    if reminder.due_on == today:
        return "today"
    return "upcoming"


# --- validation -------------------------------------------------------------------------------


def _partner_in_workspace(session: Session, workspace_id: int, partner_id: int) -> bool:
    return (
        session.scalar(select(Partner.id).where(Partner.workspace_id == workspace_id, Partner.id == partner_id))
        is not None
    )


def _clean(session: Session, workspace_id: int, *, title, due_on, due_time, partner_id, assignee_id, notes) -> dict:
    title = (title or "").strip()
    if not title:
        raise ServiceError("Give the reminder a title.", field="title")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            N_plural("Keep the title under %(num)s character.", "Keep the title under %(num)s characters.", TITLE_MAX),
            field="title",
        )
    if isinstance(due_on, datetime) or not isinstance(due_on, date):
        raise ServiceError("Choose the day it is due.", field="due_on")
    if due_time is not None and not isinstance(due_time, time):
        raise ServiceError("Enter a time like 09:30, or leave it empty.", field="due_time")
    if partner_id is not None and not _partner_in_workspace(session, workspace_id, partner_id):
        raise ServiceError("That partner is not in this workspace.", field="partner_id")
    if assignee_id is not None and not is_member(session, workspace_id, assignee_id):
        raise ServiceError("Assign the reminder to a member of this workspace.", field="assignee_id")
    notes = (notes or "").strip() or None
    if notes and len(notes) > NOTES_MAX:
        raise ServiceError(
            N_plural("Keep the notes under %(num)s character.", "Keep the notes under %(num)s characters.", NOTES_MAX),
            field="notes",
        )
    return {
        "title": title,
        "due_on": due_on,
        "due_time": due_time.replace(tzinfo=None) if due_time else None,
        "partner_id": partner_id,
        "assignee_id": assignee_id,
        "notes": notes,
    }


# --- changes ----------------------------------------------------------------------------------


def create_reminder(
    session: Session,
    *,
    workspace_id: int,
    title: str,
    due_on: date,
    partner_id: int | None = None,
    assignee_id: int | None = None,
    created_by_id: int | None = None,
    notes: str | None = None,
    now: datetime,
    due_time: time | None = None,
) -> Reminder:
    """Add a reminder (flushed, not committed). Without an assignee it goes to its creator."""
    if assignee_id is None:
        assignee_id = created_by_id
    values = _clean(
        session,
        workspace_id,
        title=title,
        due_on=due_on,
        due_time=due_time,
        partner_id=partner_id,
        assignee_id=assignee_id,
        notes=notes,
    )
    reminder = Reminder(
        workspace_id=workspace_id, created_by_id=created_by_id, created_at=now, updated_at=now, snooze_count=0, **values
    )
    session.add(reminder)
    session.flush()
    return reminder


def update_reminder(
    session: Session,
    reminder: Reminder,
    *,
    title: str,
    due_on: date,
    due_time: time | None = None,
    partner_id: int | None = None,
    assignee_id: int | None = None,
    notes: str | None = None,
    now: datetime,
) -> Reminder:
    values = _clean(
        session,
        reminder.workspace_id,
        title=title,
        due_on=due_on,
        due_time=due_time,
        partner_id=partner_id,
        assignee_id=assignee_id,
        notes=notes,
    )
    for name, value in values.items():
        setattr(reminder, name, value)
    reminder.updated_at = now
    session.flush()
    return reminder


def complete_reminder(session: Session, reminder: Reminder, *, now: datetime) -> Reminder:
    if reminder.completed_at is None:
        reminder.completed_at = now
        reminder.updated_at = now
        session.flush()
    return reminder


def reopen_reminder(session: Session, reminder: Reminder, *, now: datetime) -> Reminder:
    if reminder.completed_at is not None:
        reminder.completed_at = None
        reminder.updated_at = now
        session.flush()
    return reminder


def snooze_reminder(session: Session, reminder: Reminder, until: str | date, *, today: date, now: datetime) -> Reminder:
    """Move the due date to `until` ("tomorrow", "next_week" or a date, see the module rules)."""
    if reminder.completed_at is not None:
        raise ServiceError("This reminder is done; reopen it before snoozing.", field="until")
    reminder.due_on = snooze_target(until, today)
    reminder.snooze_count = (reminder.snooze_count or 0) + 1
    reminder.updated_at = now
    session.flush()
    return reminder


def delete_reminder(session: Session, reminder: Reminder, *, now: datetime, by_id: int | None = None):
    """Delete the reminder to the Trash: its entry keeps the row's values, so a restore puts it back
    under its id (`by_id`: the member who deleted it, when known). Returns the Trash entry."""
    entry = trash.put(session, "reminder", reminder, label=reminder.title, by_id=by_id, now=now, keep_values=True)
    session.delete(reminder)
    session.flush()
    return entry


# --- queries ----------------------------------------------------------------------------------


def _open():
    return Reminder.completed_at.is_(None)


def due_count(session: Session, workspace_id: int, user_id: int, today: date) -> int:
    """Open reminders assigned to the user, due today or earlier: one query (the navigation badge)."""
    return (
        session.scalar(
            select(func.count(Reminder.id)).where(
                Reminder.workspace_id == workspace_id,
                Reminder.assignee_id == user_id,
                _open(),
                Reminder.due_on <= today,
            )
        )
        or 0
    )


COUNT_CAP = 1000  # bucket counts stop here ("1,000+"), so the page costs the same however many there are


def bucket_counts(
    session: Session, workspace_id: int, today: date, assignee_id: int | None = None, cap: int | None = None
) -> dict[str, int]:
    """How many reminders are overdue, due today, upcoming and done, each counted up to cap + 1 (more
    than `cap`, default COUNT_CAP, reads as "cap+"): one statement of four bounded index range scans."""
    cap = COUNT_CAP if cap is None else cap
    base = [Reminder.workspace_id == workspace_id]
    if assignee_id is not None:
        base.append(Reminder.assignee_id == assignee_id)
    is_open = Reminder.completed_at.is_(None)
    conditions = {
        "overdue": (is_open, Reminder.due_on < today),
        "today": (is_open, Reminder.due_on == today),
        "upcoming": (is_open, Reminder.due_on > today),
        "done": (Reminder.completed_at.is_not(None),),
    }
    columns = []
    for name, extra in conditions.items():
        bounded = select(Reminder.id).where(*base, *extra).limit(cap + 1).subquery()
        columns.append(select(func.count()).select_from(bounded).scalar_subquery().label(name))
    row = session.execute(select(*columns)).one()
    return {name: row._mapping[name] for name in BUCKETS}


def _with_people(stmt):
    return stmt.options(joinedload(Reminder.partner), joinedload(Reminder.assignee))


def open_reminders_order(*columns):
    """ORDER BY `columns` for a query of open reminders only (`completed_at IS NULL`), in a form the
    (…, completed_at, due_on, …) indexes serve on both engines: `completed_at` first. It is NULL on
    every open reminder, so this changes nothing in the order; but PostgreSQL does not count
    `completed_at IS NULL` as fixing the column (SQLite does), and without it sorts every open
    reminder of the workspace, joined to its partner, to show the first few."""
    return (Reminder.completed_at, *columns)


def _open_order():
    """By day, all-day ones first, then by time: the order of the (…, due_on, due_time) indexes
    (PostgreSQL's keep NULL times last, so there each day's few reminders are sorted by time as the
    index is read: an incremental sort, not a sort of the whole list)."""
    return open_reminders_order(Reminder.due_on, Reminder.due_time.asc().nulls_first(), Reminder.id)


def _page_of(stmt, ids):
    """`stmt` for the reminders whose ids `ids` (an ordered, limited SELECT of reminder ids) picks:
    the page is chosen from the reminder indexes alone, and only its rows are joined to their
    partners and people (joined before the LIMIT, PostgreSQL would read every partner of every open
    reminder to pick the first fifty)."""
    return stmt.where(Reminder.id.in_(ids.scalar_subquery()))


def list_query(workspace_id: int, *, view: str = "open", assignee_id: int | None = None) -> tuple[list, tuple]:
    """(WHERE conditions, ORDER BY) of the reminders page: open reminders by due date (overdue
    first), or done ones newest first; everyone's, or one assignee's."""
    conditions = [Reminder.workspace_id == workspace_id]
    if assignee_id is not None:
        conditions.append(Reminder.assignee_id == assignee_id)
    if view == "done":
        conditions.append(Reminder.completed_at.is_not(None))
        return conditions, (Reminder.completed_at.desc(), Reminder.id.desc())
    conditions.append(_open())
    return conditions, _open_order()


def list_reminders(
    session: Session,
    workspace_id: int,
    *,
    view: str = "open",
    assignee_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    count: int | None = None,
) -> Page:
    """Open reminders by due date (overdue first), or done ones newest first; one page, partner and
    assignee loaded in the same query. Pass `count` when already known (from bucket_counts)."""
    conditions, order = list_query(workspace_id, view=view, assignee_id=assignee_id)
    if count is None:
        count = session.scalar(select(func.count(Reminder.id)).where(*conditions)) or 0
    pages = max(1, -(-count // per_page))
    page = min(max(1, page), pages)
    ids = select(Reminder.id).where(*conditions).order_by(*order).limit(per_page).offset((page - 1) * per_page)
    items = list(session.scalars(_page_of(_with_people(select(Reminder)), ids).order_by(*order)))
    return Page(items=items, total=count, page=page, per_page=per_page)


def due_reminders(session: Session, workspace_id: int, user_id: int, until: date, limit: int = 200) -> list[Reminder]:
    """The user's open reminders due on or before `until` (overdue first), partner loaded."""
    ids = (
        select(Reminder.id)
        .where(
            Reminder.workspace_id == workspace_id,
            Reminder.assignee_id == user_id,
            _open(),
            Reminder.due_on <= until,
        )
        .order_by(*_open_order())
        .limit(limit)
    )
    stmt = select(Reminder).options(joinedload(Reminder.partner))
    return list(session.scalars(_page_of(stmt, ids).order_by(*_open_order())))


def partner_reminders(session: Session, partner_id: int, *, done_limit: int = 10, open_limit: int = 50):
    """A partner's open reminders (by due date) and its most recently completed ones: two queries."""
    base = _with_people(select(Reminder).where(Reminder.partner_id == partner_id))
    open_items = list(session.scalars(base.where(_open()).order_by(*_open_order()).limit(open_limit)))
    done_items = list(
        session.scalars(
            base.where(Reminder.completed_at.is_not(None))
            .order_by(Reminder.completed_at.desc(), Reminder.id.desc())
            .limit(done_limit)
        )
    )
    return open_items, done_items


__all__ = [
    "partner_choices",
    "bucket",
    "bucket_counts",
    "complete_reminder",
    "create_reminder",
    "delete_reminder",
    "due_count",
    "due_reminders",
    "list_reminders",
    "next_monday",
    "open_reminders_order",
    "partner_reminders",
    "reopen_reminder",
    "snooze_reminder",
    "snooze_target",
    "update_reminder",
]
