"""Relationship health over time: closing weeks, and reading the last 52 of them. Flask-free; `now`
is passed in.

Each workspace has one open HealthWeek row, kept right in every flush by
app/summaries/health_weeks.py: what the book looks like at the end of the week in progress.
`close_weeks(now)` freezes the open row once its week is over, writes the weeks it missed (the
worker was down: each from the touches before that week's end, with today's partners), and opens the
week of `now`. A workspace's first close writes the 52 weeks before it the same way, so the report
has a history from the start. Running it again in the same week changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import HealthWeek, Workspace
from app.models.report_weeks import BAND_COLUMNS, FLAG_COLUMNS
from app.services.clock import week_start
from app.services.locking import lock_workspace
from app.summaries.health_weeks import open_week, write_week

WEEKS = 52
WEEK = timedelta(days=7)


def close_weeks(session: Session, now: datetime, workspace_id: int | None = None, *, history: int = WEEKS) -> int:
    """Close the weeks that are over (in one workspace, or all); the number of weeks closed. A
    workspace's first close writes `history` weeks before the current one."""
    current = week_start(now)
    ids = [workspace_id] if workspace_id else list(session.scalars(select(Workspace.id).order_by(Workspace.id)))
    closed = 0
    for ws in ids:
        lock_workspace(session, ws)  # two closers at once: the second finds the work done
        connection = session.connection()
        week = open_week(connection, ws)
        if week is not None and week >= current:
            continue
        latest = connection.scalar(select(func.max(HealthWeek.week_start)).where(HealthWeek.workspace_id == ws))
        if week is not None:
            connection.execute(
                update(HealthWeek)
                .where(HealthWeek.workspace_id == ws, HealthWeek.week_start == week)
                .values(closed=True)
            )
            closed += 1
        day = latest + WEEK if latest else current - history * WEEK
        while day < current:
            write_week(connection, ws, day, closed=True)
            closed += 1
            day += WEEK
        write_week(connection, ws, current, closed=False)
    session.expire_all()
    return closed


@dataclass(frozen=True)
class HealthWeekRow:
    week_start: date
    closed: bool  # False: the week in progress, as it stands
    partners: int
    bands: tuple[int, ...]  # per SCORE_BANDS, lowest first
    flags: dict[str, int]


@dataclass(frozen=True)
class Reading:
    """The one-line reading: which flag moved most over the weeks shown (key fell|rose|same)."""

    key: str
    flag: str
    first: int
    last: int
    since: date


@dataclass(frozen=True)
class HealthHistory:
    weeks: list[HealthWeekRow]  # oldest first, at most 52
    reading: Reading | None


def health_history(
    session: Session, workspace_id: int, now: datetime, since: date | None = None, until: date | None = None
) -> HealthHistory:
    """The weeks from `since` to `until` (dates in them), at most the last 52 up to the one in
    progress: one query of at most 52 rows."""
    current = week_start(now)
    first = current - (WEEKS - 1) * WEEK
    if since is not None:
        first = max(first, since - timedelta(days=since.weekday()))
    last = min(current, until - timedelta(days=until.weekday())) if until is not None else current
    rows = session.execute(
        select(HealthWeek)
        .where(
            HealthWeek.workspace_id == workspace_id,
            HealthWeek.week_start >= first,
            HealthWeek.week_start <= last,
        )
        .order_by(HealthWeek.week_start)
    ).scalars()
    weeks = [
        HealthWeekRow(
            week_start=row.week_start,
            closed=row.closed,
            partners=row.partners,
            bands=tuple(getattr(row, name) for name in BAND_COLUMNS),
            flags={name: getattr(row, name) for name in FLAG_COLUMNS},
        )
        for row in rows
    ]
    return HealthHistory(weeks, _reading(weeks))


def _reading(weeks: list[HealthWeekRow]) -> Reading | None:
    if len(weeks) < 2:
        return None
    first, last = weeks[0], weeks[-1]
    # the flag that moved most; neglected first among equals (FLAG_COLUMNS order)
    flag = max(FLAG_COLUMNS, key=lambda f: (abs(last.flags[f] - first.flags[f]), -FLAG_COLUMNS.index(f)))
    a, b = first.flags[flag], last.flags[flag]
    key = "fell" if b < a else "rose" if b > a else "same"
    return Reading(key, flag, a, b, first.week_start)
