"""The reminders page as a file: every reminder of its choice (mine / everyone's, open / done), in
its order. One streaming query, partner and assignee joined."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Partner, Reminder, User
from app.services.exporting.columns import BATCH, Column, Export
from app.services.reminders import list_query

COLUMNS = (
    Column("title", "text", 36),
    Column("due_on", "date", 12),
    Column("due_time", "time", 9),
    Column("partner", "text", 28),
    Column("partner_id", "integer", 10),
    Column("assignee", "text", 26),
    Column("notes", "text", 40),
    Column("completed_at", "datetime", 17),
)


def reminder_rows(session: Session, workspace_id: int, *, view: str, assignee_id: int | None, tz) -> Iterator[tuple]:
    conditions, order = list_query(workspace_id, view=view, assignee_id=assignee_id)
    statement = (
        select(Reminder, Partner.name.label("partner_name"), User.email.label("assignee_email"))
        .outerjoin(Partner, Partner.id == Reminder.partner_id)
        .outerjoin(User, User.id == Reminder.assignee_id)
        .where(*conditions)
        .order_by(*order)
        .execution_options(yield_per=BATCH)
    )
    for batch in session.execute(statement).partitions():
        for row in batch:
            reminder = row.Reminder
            completed = reminder.completed_at
            yield (
                reminder.title,
                reminder.due_on,
                reminder.due_time,
                row.partner_name,
                reminder.partner_id,
                row.assignee_email,
                reminder.notes,
                completed.astimezone(tz).replace(second=0, microsecond=0) if completed else None,
            )


def reminders_export(session: Session, workspace_id: int, *, view: str, assignee_id: int | None, tz) -> Export:
    return Export("reminders", COLUMNS, reminder_rows(session, workspace_id, view=view, assignee_id=assignee_id, tz=tz))
