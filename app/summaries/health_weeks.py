"""HealthWeek: per workspace and week, how many eligible partners carry each flag and fall in each
health-score band at the end of the week (Monday 00:00 UTC after it), for the health-over-time report.

The open row (the week in progress, `closed` false) is a summary like the others: it is what the
partners' touches before the week's end, their contacts and deals give at that moment, and every
flush that changes a partner, touch, contact or deal moves it by the touched partners'
differences (`PartnerDeltas`); a change of the workspace's cadence or response-time defaults
derives it again. Rebuild and check cover the open row only. Closed rows are history: the week is
over, and later edits of old touches do not rewrite what the book looked like then.
`app.services.reports.health.close_weeks` closes the open row and opens the next one.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, select, update
from sqlalchemy.orm import Session

from app.models import Deal, HealthWeek, Interaction, Partner
from app.models.report_weeks import BAND_COLUMNS, FLAG_COLUMNS, SCORE_BANDS
from app.services.neglect.health import PartnerStatus, health_score, winwin_select
from app.services.neglect.rules import FLAGS, Defaults, eligible, flags_at
from app.services.sqltime import DAY, seconds
from app.summaries.partner_activity import activity_select, workspaces_with_new_defaults
from app.summaries.partner_deltas import PARTNER_ROWS, PartnerDeltas
from app.summaries.registry import Summary
from app.summaries.sql import not_by_index, upsert

TABLE = HealthWeek.__table__
KEY = ["workspace_id", "week_start"]
COUNTS = ("partners", *BAND_COLUMNS, *FLAG_COLUMNS)


def week_end(week_start: date) -> datetime:
    """The moment a week's snapshot describes: Monday 00:00 UTC after it."""
    return datetime.combine(week_start + timedelta(days=7), time(), UTC)


def band_of(score: int) -> str:
    return BAND_COLUMNS[sum(score >= low for low in SCORE_BANDS) - 1]


def snapshot(connection, workspace_id: int, week_start: date, partner_ids=None) -> Counter:
    """{column: count} of the partners (all of the workspace's, or these) at the end of the week:
    the flags and score each partner had then, from its touches before that moment."""
    end = week_end(week_start)
    end_s = seconds(end)
    # given partners: read by the partners' indexes, not by walking the workspace's (sql.not_by_index)
    given = partner_ids is not None

    def of_workspace(column):
        return (not_by_index(column) if given else column) == workspace_id

    partners = and_(of_workspace(Partner.workspace_id), Partner.created_at < end, eligible(Partner))
    touches = and_(of_workspace(Interaction.workspace_id), Interaction.occurred_at < end)
    deals = of_workspace(Deal.workspace_id)
    if given:
        partners = and_(partners, Partner.id.in_(partner_ids))
        touches = and_(touches, Interaction.partner_id.in_(partner_ids))
        deals = and_(deals, Deal.partner_id.in_(partner_ids))
    a = activity_select(partners, touches, Defaults.load(connection, workspace_id)).subquery("activity")
    conditions = flags_at(end_s, a.c, a.c.contact_count)
    rows = connection.execute(
        select(
            a.c.partner_id,
            a.c.our_count,
            a.c.their_count,
            a.c.contact_count,
            a.c.cadence_days,
            a.c.response_days,
            a.c.last_touch_s,
            a.c.created_s,
            *(case((conditions[flag], 1), else_=0).label(flag) for flag in FLAGS),
        )
    )
    winwin = {pid: (int(n or 0), int(w or 0)) for pid, n, w in connection.execute(winwin_select(deals))}
    counts: Counter = Counter()
    for row in rows:
        m = row._mapping
        elapsed = end_s - (m["last_touch_s"] if m["last_touch_s"] is not None else m["created_s"])
        status = PartnerStatus(
            partner_id=m["partner_id"],
            eligible=True,
            flags={flag: bool(m[flag]) for flag in FLAGS},
            cadence=int(m["cadence_days"]),
            response_time=int(m["response_days"]),
            days_since=elapsed // DAY,
            overdue_ratio=elapsed / (int(m["cadence_days"]) * DAY),
            touch_count=int(m["our_count"]) + int(m["their_count"]),
            our_count=int(m["our_count"]),
            their_count=int(m["their_count"]),
            contacts=int(m["contact_count"]),
            last_touch_at=None if m["last_touch_s"] is None else datetime.fromtimestamp(m["last_touch_s"], UTC),
        )
        health_score(status, winwin.get(status.partner_id))
        counts["partners"] += 1
        counts[band_of(status.score)] += 1
        for flag in status.active_flags:
            counts[flag] += 1
    return counts


def open_week(connection, workspace_id: int) -> date | None:
    return connection.scalar(
        select(TABLE.c.week_start).where(TABLE.c.workspace_id == workspace_id, TABLE.c.closed.is_(False))
    )


def write_week(connection, workspace_id: int, week_start: date, *, closed: bool) -> None:
    """Derive a week's row from the sources and store it (inserted, or replacing its counts)."""
    counts = snapshot(connection, workspace_id, week_start)
    row = {"workspace_id": workspace_id, "week_start": week_start, "closed": closed}
    row.update({name: counts[name] for name in COUNTS})
    upsert(connection, TABLE, [row], KEY, update=["closed", *COUNTS])


def _contributions(connection, workspace_id: int, partner_ids) -> Counter:
    week = open_week(connection, workspace_id)
    if week is None:
        return Counter()
    return Counter({(week, name): n for name, n in snapshot(connection, workspace_id, week, partner_ids).items()})


def _apply(connection, workspace_id: int, delta: Counter) -> None:
    for week in {week for week, _ in delta}:
        changes = {name: TABLE.c[name] + n for (w, name), n in delta.items() if w == week}
        connection.execute(
            update(TABLE).where(TABLE.c.workspace_id == workspace_id, TABLE.c.week_start == week).values(changes)
        )


DELTAS = PartnerDeltas("orchard_health_weeks", PARTNER_ROWS, _contributions, _apply)


def after_flush(session: Session) -> None:
    DELTAS.after_flush(session)
    for workspace_id in workspaces_with_new_defaults(session):
        connection = session.connection()
        if (week := open_week(connection, workspace_id)) is not None:
            write_week(connection, workspace_id, week, closed=False)


def rebuild(session: Session, workspace_id: int) -> int:
    connection = session.connection()
    week = open_week(connection, workspace_id)
    if week is None:
        return 0
    write_week(connection, workspace_id, week, closed=False)
    return 1


def stored(session: Session, workspace_id: int) -> dict:
    row = session.execute(
        select(TABLE.c.week_start, *(TABLE.c[name] for name in COUNTS)).where(
            TABLE.c.workspace_id == workspace_id, TABLE.c.closed.is_(False)
        )
    ).first()
    if row is None or not any(row[1:]):
        return {}
    return {(row[0],): tuple(int(n) for n in row[1:])}


def expected(session: Session, workspace_id: int) -> dict:
    connection = session.connection()
    week = open_week(connection, workspace_id)
    if week is None:
        return {}
    counts = snapshot(connection, workspace_id, week)
    values = tuple(counts[name] for name in COUNTS)
    return {(week,): values} if any(values) else {}


SUMMARY = Summary(
    name="health_weeks",
    description="the open week's flag counts and health-score bands (the health-over-time report)",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=DELTAS.before_flush,
    after_flush=after_flush,
)
