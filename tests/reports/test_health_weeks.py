"""Health over time: the weekly snapshots, counted by hand. NOW is Tuesday 24 November 2026 12:00
UTC, so the week in progress starts Monday 23 November and its snapshot describes Monday
30 November 00:00 (5.5 days after NOW). Tier B's cadence is 30 days, the response time 2 days."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import HealthWeek
from app.services import interactions as interaction_service
from app.services.reports.health import close_weeks, health_history
from tests.conftest import NOW, make_partner, make_user, workspace_of

WEEK = timedelta(days=7)
THIS_WEEK = date(2026, 11, 23)


def _touch(partner, days_ago, direction="ours"):
    interaction_service.log_interaction(
        db.session,
        partner,
        {"kind": "call", "direction": direction, "occurred_at": NOW - timedelta(days=days_ago)},
        actor_id=None,
        now=NOW,
    )
    db.session.commit()


def _book(workspace):
    """Two tier-B partners added 100 days ago: Fresh, called by us 5 days ago (10.5 days before
    the week's end: within its cadence, no contacts: single-threaded; score 40 of 85 points = 47,
    band 40–59), and Silent, never touched (105.5 days: neglected, single-threaded, score 0)."""
    added = NOW - timedelta(days=100)
    fresh = make_partner(workspace, name="Fresh", created_at=added)
    silent = make_partner(workspace, name="Silent", created_at=added)
    _touch(fresh, 5)
    return fresh, silent


def _row(workspace, week):
    return db.session.scalars(
        select(HealthWeek).where(HealthWeek.workspace_id == workspace.id, HealthWeek.week_start == week)
    ).one()


def test_first_close_opens_this_week_and_writes_the_52_before(workspace):
    _book(workspace)
    assert close_weeks(db.session, NOW, workspace.id) == 52
    db.session.commit()
    current = _row(workspace, THIS_WEEK)
    assert not current.closed
    assert (current.partners, current.band_0, current.band_1, current.band_2, current.band_3) == (2, 1, 1, 0, 0)
    assert (current.neglected, current.single_threaded, current.due_soon, current.waiting_on_us) == (1, 2, 0, 0)
    # both were added on Sunday 16 August 12:00: the week of 3 August (ends 10 August) had nobody
    assert _row(workspace, date(2026, 8, 3)).partners == 0
    # week of 17 August (ends 24 August): both exist, untouched for 7.5 days: within the cadence
    early = _row(workspace, date(2026, 8, 17))
    assert early.closed and (early.partners, early.neglected, early.single_threaded) == (2, 0, 2)


def test_a_touch_moves_the_open_week_in_the_same_flush(workspace):
    fresh, silent = _book(workspace)
    close_weeks(db.session, NOW, workspace.id)
    db.session.commit()
    _touch(silent, 1, direction="theirs")  # a touch from them yesterday: no longer neglected
    current = _row(workspace, THIS_WEEK)
    db.session.refresh(current)
    # Silent at the week's end: 6.5 days since their touch > 2 days response time: waiting on us
    assert (current.neglected, current.waiting_on_us, current.partners) == (0, 1, 2)
    assert summaries.check(db.session, workspace.id) == []


def test_closing_again_in_the_same_week_changes_nothing(workspace):
    _book(workspace)
    close_weeks(db.session, NOW, workspace.id)
    db.session.commit()
    assert close_weeks(db.session, NOW + timedelta(days=3), workspace.id) == 0
    db.session.commit()
    count = db.session.scalar(
        select(func.count()).select_from(HealthWeek).where(HealthWeek.workspace_id == workspace.id)
    )
    assert count == 53


def test_a_closed_week_is_history_and_missed_weeks_are_caught_up(workspace):
    fresh, silent = _book(workspace)
    close_weeks(db.session, NOW, workspace.id)
    db.session.commit()
    # the worker was down for three weeks: the next close freezes this week, writes the two missed
    # ones and opens the week of 14 December
    assert close_weeks(db.session, NOW + 3 * WEEK, workspace.id) == 3
    db.session.commit()
    assert _row(workspace, THIS_WEEK).closed
    assert _row(workspace, THIS_WEEK + WEEK).closed and _row(workspace, THIS_WEEK + 2 * WEEK).closed
    assert not _row(workspace, THIS_WEEK + 3 * WEEK).closed
    # a touch logged now, dated inside the closed week, leaves the closed week as it was
    _touch(silent, 1)
    assert _row(workspace, THIS_WEEK).neglected == 1
    # week of 7 December (ends 14 December): Fresh's touch is 24.5 days old, still within 30
    assert _row(workspace, THIS_WEEK + 2 * WEEK).neglected == 1
    assert summaries.check(db.session, workspace.id) == []


def test_history_reads_52_weeks_and_says_what_moved(workspace, count_queries):
    fresh, silent = _book(workspace)
    close_weeks(db.session, NOW, workspace.id)
    db.session.commit()
    _touch(silent, 0)
    workspace_id = workspace.id
    with count_queries() as counter:
        history = health_history(db.session, workspace_id, NOW)
    assert counter.count == 1, counter.statements
    assert len(history.weeks) == 52
    assert history.weeks[-1].week_start == THIS_WEEK and not history.weeks[-1].closed
    first = history.weeks[0]
    assert first.week_start == THIS_WEEK - 51 * WEEK and first.partners == 0
    # from 0 to 2 single-threaded (both partners have no contacts): the biggest move
    assert (history.reading.key, history.reading.flag) == ("rose", "single_threaded")
    assert (history.reading.first, history.reading.last, history.reading.since) == (0, 2, first.week_start)


def test_weeks_of_another_workspace_stay_out(workspace):
    _book(workspace)
    outsider = workspace_of(make_user())
    make_partner(outsider, created_at=NOW - timedelta(days=300))
    close_weeks(db.session, NOW)  # every workspace
    db.session.commit()
    mine = health_history(db.session, workspace.id, NOW).weeks
    theirs = health_history(db.session, outsider.id, NOW).weeks
    assert mine[-1].partners == 2 and theirs[-1].partners == 1
