"""app.services.dashboard: the dashboard's data from a session, ids and times (no request)."""

from datetime import timedelta

from app.extensions import db
from app.models import Reminder
from app.services import dashboard
from tests.activity.helpers import aged_partner, touch


def _reminder(workspace, user, partner, due_on, **extra):
    reminder = Reminder(
        workspace_id=workspace.id,
        title="Call",
        due_on=due_on,
        partner_id=partner.id,
        assignee_id=user.id,
        created_by_id=user.id,
        **extra,
    )
    db.session.add(reminder)
    db.session.commit()
    return reminder


def test_a_new_workspace_has_no_partners_and_nothing_due(session, workspace, now):
    data = dashboard.overview(session, workspace.id, now=now, today=now.date())
    assert not data.has_partners
    assert data.reminders == []
    assert all(rows == [] for rows in data.lists.values())
    assert data.next_follow_up == {}
    assert len(data.trend) == dashboard.TREND_WEEKS and data.trend_max == 1


def test_the_overview(session, factories, workspace, user, now):
    quiet, _people = aged_partner(factories, workspace, now, name="Quiet Ltd", owner_id=user.id)
    busy, _ = aged_partner(factories, workspace, now, name="Busy Ltd")
    touch(busy, now, 1)
    touch(busy, now, 8)
    due = _reminder(workspace, user, quiet, now.date() - timedelta(days=1))
    _reminder(workspace, user, quiet, now.date() + timedelta(days=5))  # later: not due, but the next one
    _reminder(workspace, user, busy, now.date(), completed_at=now)  # done: neither
    member = factories.member(workspace)

    data = dashboard.overview(session, workspace.id, now=now, today=now.date())
    assert data.has_partners
    assert data.reminders == [due]
    assert [row.name for row in data.lists["neglected"]] == ["Quiet Ltd"]
    assert data.counts["neglected"] == 1
    assert data.next_follow_up == {quiet.id: now.date() - timedelta(days=1)}
    assert sum(count for _, count in data.trend) == 2
    assert data.trend_max == max(count for _, count in data.trend)

    theirs = dashboard.overview(session, workspace.id, now=now, today=now.date(), owner_id=member.id)
    assert theirs.reminders == []
    assert theirs.counts["neglected"] == 0
    assert sum(count for _, count in theirs.trend) == 0


def test_due_means_on_or_before_the_given_today(session, factories, workspace, user, now):
    partner, _ = aged_partner(factories, workspace, now)
    tomorrow = _reminder(workspace, user, partner, now.date() + timedelta(days=1))
    assert dashboard.due_reminders(session, workspace.id, now.date()) == []
    # past midnight in the user's zone, `today` (passed in) is already the next day
    assert dashboard.due_reminders(session, workspace.id, now.date() + timedelta(days=1)) == [tomorrow]


def test_the_overview_runs_six_queries(session, factories, workspace, user, now, count_queries):
    partner, _ = aged_partner(factories, workspace, now)
    _reminder(workspace, user, partner, now.date())
    workspace_id = workspace.id
    with count_queries() as counter:
        dashboard.overview(session, workspace_id, now=now, today=now.date())
    assert counter.count == 6
