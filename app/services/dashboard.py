"""The dashboard's data, Flask-free: today's and overdue reminders, every flag's count and first
rows, the next follow-up of the listed partners and the touches per week — mine or everyone's.

Queries, whatever the data size: whether the workspace has partners (1), the reminders (1), the
flags' first rows and counts (neglect.flag_overview: 2), the next follow-ups (1), the trend (1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.models import Partner, Reminder
from app.services import interactions, neglect
from app.services.neglect import FlagRow
from app.services.reminders import open_reminders_order

LIST_LIMIT = 8  # rows shown per flag
REMINDER_LIMIT = 20
TREND_WEEKS = 12


@dataclass(frozen=True)
class Dashboard:
    has_partners: bool  # False: a brand-new workspace gets a first step instead of empty lists
    reminders: list[Reminder]  # open, due today or earlier (partner and assignee loaded)
    counts: dict[str, int]  # partners per flag
    lists: dict[str, list[FlagRow]]  # the first LIST_LIMIT partners of each flag
    next_follow_up: dict[int, date]  # partner id -> its next open reminder, for the listed partners
    trend: list[tuple[date, int]]  # touches per week, oldest first

    @property
    def trend_max(self) -> int:
        return max([count for _, count in self.trend] + [1])


def has_partners(session: Session, workspace_id: int) -> bool:
    """One EXISTS query."""
    return bool(session.scalar(select(select(Partner.id).where(Partner.workspace_id == workspace_id).exists())))


def due_reminders(
    session: Session, workspace_id: int, today: date, assignee_id: int | None = None, limit: int = REMINDER_LIMIT
) -> list[Reminder]:
    """Open reminders due today or earlier, oldest first (the assignee's only, when given)."""
    stmt = (
        select(Reminder)
        .options(joinedload(Reminder.partner), joinedload(Reminder.assignee))
        .where(Reminder.workspace_id == workspace_id, Reminder.completed_at.is_(None), Reminder.due_on <= today)
        .order_by(*open_reminders_order(Reminder.due_on, Reminder.id))
        .limit(limit)
    )
    if assignee_id:
        stmt = stmt.where(Reminder.assignee_id == assignee_id)
    return list(session.scalars(stmt))


def next_follow_up(session: Session, partner_ids) -> dict[int, date]:
    """The next open reminder date of each given partner: one grouped query on the reminders'
    partner index (the caller passes ids of one workspace, taken from its flag lists)."""
    if not partner_ids:
        return {}
    rows = session.execute(
        select(Reminder.partner_id, func.min(Reminder.due_on))
        .where(Reminder.partner_id.in_(partner_ids), Reminder.completed_at.is_(None))
        .group_by(Reminder.partner_id)
    )
    return {partner_id: due for partner_id, due in rows}  # noqa: C416 (a Result is not a mapping)


def overview(
    session: Session, workspace_id: int, *, now: datetime, today: date, owner_id: int | None = None
) -> Dashboard:
    """Everything on the dashboard; `owner_id` narrows it to one member's partners, reminders and
    touches ("mine"); `today` is the user's local date."""
    exists = has_partners(session, workspace_id)
    reminders = due_reminders(session, workspace_id, today, assignee_id=owner_id)
    counts, lists = neglect.flag_overview(session, workspace_id, now, owner_id=owner_id, limit=LIST_LIMIT)
    partner_ids = sorted({row.partner_id for rows in lists.values() for row in rows})
    follow_ups = next_follow_up(session, partner_ids)
    trend = interactions.touches_per_week(session, workspace_id, now, weeks=TREND_WEEKS, author_id=owner_id)
    return Dashboard(
        has_partners=exists,
        reminders=reminders,
        counts=counts,
        lists=lists,
        next_follow_up=follow_ups,
        trend=trend,
    )
