"""Private calendar feeds: each user may publish their open reminders as an iCalendar (RFC 5545) URL.

The URL carries a random token; only its SHA-256 hash is stored. A user has at most one live feed:
creating a new one revokes the old, and a revoked or unknown token finds nothing (the route answers
404). The feed holds the user's open reminders in every workspace they are still a member of:
date-only reminders are all-day events (DTSTART;VALUE=DATE), timed ones start at their time in the
user's time zone (with its VTIMEZONE) and last 30 minutes. UIDs are stable (reminder-<id>@<host>), so
calendar apps update an event when it is edited or snoozed and drop it once it is done.

The feed covers reminders due from 30 days ago to a year ahead, at most 500, soonest first (older
overdue ones stay in the app). Calendar apps poll: `feed_version` is one cheap aggregate query whose
value changes whenever the feed would, so the route answers an unchanged poll with 304.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, Timezone
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.messages import Text
from app.models import CalendarFeed, Membership, Partner, Reminder, User, Workspace
from app.services.clock import zone
from app.services.reminders import open_reminders_order
from app.services.tokens import hash_token, new_token

TIMED_EVENT_LENGTH = timedelta(minutes=30)
FEED_LIMIT = 500  # events per feed, soonest first
FEED_PAST_DAYS = 30  # overdue reminders older than this are left out of the feed
FEED_FUTURE_DAYS = 366
PRODID = "-//Orchard//Reminders//EN"


def active_feed(session: Session, user_id: int) -> CalendarFeed | None:
    return session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def revoke_feeds(session: Session, user_id: int, now: datetime) -> int:
    """Revoke every live feed of the user; returns how many were live."""
    result = session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount or 0


def create_feed(session: Session, user_id: int, now: datetime) -> tuple[CalendarFeed, str]:
    """A new feed for the user (the previous one stops working). Returns it and its token, which is
    not stored anywhere: show it once."""
    revoke_feeds(session, user_id, now)
    token, token_hash = new_token()
    feed = CalendarFeed(user_id=user_id, token_hash=token_hash, created_at=now)
    session.add(feed)
    session.flush()
    return feed, token


def user_for_token(session: Session, token: str) -> User | None:
    """The owner of a live feed with this token, or None (unknown, revoked)."""
    if not token or len(token) > 200:
        return None
    return session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None))
    )


def _feed_conditions(user_id: int, today: date):
    return (
        Reminder.assignee_id == user_id,
        Reminder.completed_at.is_(None),
        Reminder.due_on >= today - timedelta(days=FEED_PAST_DAYS),
        Reminder.due_on <= today + timedelta(days=FEED_FUTURE_DAYS),
    )


def _member_join(user_id: int):
    return (Membership.workspace_id == Reminder.workspace_id) & (Membership.user_id == user_id)


def _shown_ids(user_id: int, today: date, limit: int):
    """The ids of the reminders the feed shows, soonest first, in workspaces the user still belongs
    to: picked from the assignee's open-reminder index (and the few memberships) alone. The callers
    join partners and workspaces to these rows only: joined before the LIMIT, PostgreSQL reads every
    partner of the workspace to keep 500 reminders."""
    return (
        select(Reminder.id)
        .join(Membership, _member_join(user_id))
        .where(*_feed_conditions(user_id, today))
        .order_by(*open_reminders_order(Reminder.due_on, Reminder.id))
        .limit(limit)
        .scalar_subquery()
    )


def feed_rows(session: Session, user_id: int, today: date, limit: int = FEED_LIMIT):
    """(Reminder, partner name, workspace name) of the user's open reminders in the feed's window, in
    workspaces they still belong to: one query."""
    return session.execute(
        select(Reminder, Partner.name, Workspace.name)
        .join(Workspace, Workspace.id == Reminder.workspace_id)
        .outerjoin(Partner, Partner.id == Reminder.partner_id)
        .where(Reminder.id.in_(_shown_ids(user_id, today, limit)))
        .order_by(Reminder.due_on, Reminder.id)
    ).all()


def feed_version(session: Session, user, today: date, limit: int = FEED_LIMIT) -> str:
    """A short value that changes whenever the user's feed would (an ETag): one aggregate query over
    exactly the rows the feed shows (so at most FEED_LIMIT of them), including when a partner or
    workspace shown in it was renamed."""
    shown = (
        select(
            Reminder.id.label("id"),
            Reminder.updated_at.label("changed"),
            Partner.updated_at.label("partner_changed"),
            Workspace.updated_at.label("workspace_changed"),
        )
        .join(Workspace, Workspace.id == Reminder.workspace_id)
        .outerjoin(Partner, Partner.id == Reminder.partner_id)
        .where(Reminder.id.in_(_shown_ids(user.id, today, limit)))
        .subquery()
    )
    count, id_sum, last_change, partner_change, workspace_change = session.execute(
        select(
            func.count(shown.c.id),
            func.sum(shown.c.id),
            func.max(shown.c.changed),
            func.max(shown.c.partner_changed),
            func.max(shown.c.workspace_changed),
        )
    ).one()
    return hash_token(
        f"{user.id}|{user.timezone}|{user.locale}|{today}|{count}|{id_sum}|{last_change}|{partner_change}|{workspace_change}"
    )[:32]


def build_calendar(
    user: User,
    rows,
    *,
    now: datetime,
    host: str,
    link: Callable[[Reminder], str] | None = None,
    name: str | None = None,
) -> bytes:
    """The iCalendar document for `rows` (see feed_rows); its words in the current language (the route
    sets the feed's user's)."""
    tz = zone(user.timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name or str(Text("Orchard reminders")))
    cal.add("x-wr-timezone", str(tz.key))
    cal.add("x-published-ttl", "PT1H")
    for reminder, partner_name, workspace_name in rows:
        event = Event()
        event.add("uid", f"reminder-{reminder.id}@{host}")
        stamp = reminder.updated_at or reminder.created_at or now
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", reminder.snooze_count or 0)
        summary = reminder.title
        if partner_name and partner_name.lower() not in summary.lower():
            summary = f"{summary} — {partner_name}"
        event.add("summary", summary)
        if reminder.due_time is None:
            event.add("dtstart", reminder.due_on)
            event.add("dtend", reminder.due_on + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            start = datetime.combine(reminder.due_on, reminder.due_time, tzinfo=tz)
            event.add("dtstart", start)
            event.add("duration", TIMED_EVENT_LENGTH)
        lines = []
        if partner_name:
            lines.append(str(Text("Partner: %(name)s", name=partner_name)))
        lines.append(str(Text("Workspace: %(name)s", name=workspace_name)))
        if reminder.notes:
            lines += ["", reminder.notes]
        if link is not None:
            url = link(reminder)
            lines += ["", url]
            event.add("url", url)
        event.add("description", "\n".join(lines))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    if any(reminder.due_time is not None for reminder, _, _ in rows) and tz.key != "UTC":
        cal.add_component(Timezone.from_tzid(tz.key))  # the only TZID the events use
    return cal.to_ical()
