"""Time-based events from the periodic scan: flag.raised once per episode, reminder.due once per due
date; a constant number of statements per scan whatever the number of partners."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from app.extensions import db
from app.models import Partner
from app.representations import represent
from app.services import reminders as reminder_service
from app.services.webhooks.flags import scan_time_events
from tests.activity.helpers import aged_partner, touch
from tests.webhooks.events_helpers import record_emits
from tests.webhooks.helpers import make_endpoint

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture(autouse=True)
def sent(app, monkeypatch, workspace):
    make_endpoint(workspace)  # subscribed to every event
    return record_emits(monkeypatch)


def _scan(now):
    result = scan_time_events(db.session, now)
    db.session.commit()
    return result


def test_neglected_raised_once_per_episode_and_again_after_it_cleared(factories, workspace, now, sent):
    partner, _ = aged_partner(factories, workspace, now, days=100)  # tier B: 30-day cadence by default
    touch(partner, now, days_ago=40)
    sent.clear()
    assert _scan(now).flags_raised == 1
    event = sent.one("flag.raised")
    assert event.data["flag"] == "neglected"
    assert event.data["partner"] == represent(db.session.get(Partner, partner.id))
    assert event.occurred_at == now
    assert event.workspace_id == workspace.id
    assert event.data["since"] == (now - timedelta(days=10)).isoformat()

    _scan(now + timedelta(hours=1))  # still neglected: the same episode
    assert len(sent.of("flag.raised")) == 1

    touch(partner, now + timedelta(days=1), days_ago=0)  # touched: the flag clears
    _scan(now + timedelta(days=1, hours=1))
    assert len(sent.of("flag.raised")) == 1

    later = now + timedelta(days=40)  # a cadence without a touch: neglected again
    assert _scan(later).flags_raised == 1
    assert len(sent.of("flag.raised")) == 2


def test_a_new_episode_between_two_scans_is_raised_again(factories, workspace, now, sent):
    partner, _ = aged_partner(factories, workspace, now, days=100)
    touch(partner, now, days_ago=40)
    _scan(now)
    touch(partner, now, days_ago=45)  # an older touch: still neglected from the same last touch
    _scan(now)
    assert len(sent.of("flag.raised")) == 1
    touch(partner, now, days_ago=31)  # the last touch moved: cleared and back before a scan saw it
    _scan(now)
    assert len(sent.of("flag.raised")) == 2


def test_waiting_on_us_and_ineligible_partners(factories, workspace, now, sent):
    waiting, _ = aged_partner(factories, workspace, now, days=100)
    touch(waiting, now, days_ago=5, direction="theirs")
    archived, _ = aged_partner(factories, workspace, now, days=100, archived_at=now - timedelta(days=1))
    _scan(now)
    assert [(s.data["flag"], s.data["partner"]["id"]) for s in sent.of("flag.raised")] == [
        ("waiting_on_us", waiting.id)
    ]


def test_reminder_due_once_per_due_date_and_again_after_a_snooze(factories, workspace, user, now, sent):
    reminder = reminder_service.create_reminder(
        db.session, workspace_id=workspace.id, title="Call Rita", due_on=now.date(), created_by_id=user.id, now=now
    )
    later_today = reminder_service.create_reminder(
        db.session,
        workspace_id=workspace.id,
        title="Evening call",
        due_on=now.date(),
        due_time=time(18, 0),
        created_by_id=user.id,
        now=now,
    )
    db.session.commit()
    assert _scan(now).reminders_due == 1
    assert sent.one("reminder.due").data == represent(reminder)
    _scan(now + timedelta(minutes=5))
    assert len(sent.of("reminder.due")) == 1

    _scan(now.replace(hour=18, minute=1))  # the timed one's moment passed (the assignee's zone: UTC)
    assert [s.data["id"] for s in sent.of("reminder.due")] == [reminder.id, later_today.id]

    tomorrow = now + timedelta(days=1)
    reminder_service.snooze_reminder(db.session, reminder, "tomorrow", today=now.date(), now=now)
    db.session.commit()
    _scan(now + timedelta(hours=7))  # not yet tomorrow
    assert len(sent.of("reminder.due")) == 2
    _scan(tomorrow)
    assert [s.data["id"] for s in sent.of("reminder.due")] == [reminder.id, later_today.id, reminder.id]
    assert sent.of("reminder.due")[-1].data["due_on"] == tomorrow.date().isoformat()


def test_done_and_long_past_reminders_are_not_sent(factories, workspace, user, now, sent):
    done = reminder_service.create_reminder(
        db.session, workspace_id=workspace.id, title="Done", due_on=now.date(), created_by_id=user.id, now=now
    )
    reminder_service.complete_reminder(db.session, done, now=now)
    reminder_service.create_reminder(
        db.session,
        workspace_id=workspace.id,
        title="Ancient",
        due_on=now.date() - timedelta(days=300),
        created_by_id=user.id,
        now=now,
    )
    db.session.commit()
    assert _scan(now).reminders_due == 0


OUTBOX_WRITES = 3  # per event sent: emit reads the endpoints, inserts the event and its deliveries


def _statements(count_queries, now) -> int:
    with count_queries() as counter:
        result = _scan(now)
    return counter.count - OUTBOX_WRITES * (result.flags_raised + result.reminders_due)


def test_the_scan_runs_a_constant_number_of_statements(factories, workspace, user, now, count_queries, sent):
    quiet_owner = factories.user()  # a workspace without endpoints: its partners cost no statement
    quiet = factories.workspace_of(quiet_owner)

    def add(n, ws=workspace, owner=user):
        for _ in range(n):
            partner, _ = aged_partner(factories, ws, now, days=100)
            touch(partner, now, days_ago=40)
            reminder_service.create_reminder(
                db.session, workspace_id=ws.id, title="R", due_on=now.date(), created_by_id=owner.id, now=now
            )
        db.session.commit()

    add(2)
    first = _statements(count_queries, now)
    add(6)
    add(5, quiet, quiet_owner)
    second = _statements(count_queries, now)
    assert len(sent.of("flag.raised")) == 8 and len(sent.of("reminder.due")) == 8
    assert first == second
    assert _statements(count_queries, now) <= first  # nothing new: no more than a scan that sent


def test_flask_webhooks_scan_and_the_periodic_task(app, factories, workspace, user, now, runner, sent):
    from app.jobs import queue

    partner, _ = aged_partner(factories, workspace, now, days=100)
    touch(partner, now, days_ago=40)
    result = runner.invoke(args=["webhooks", "scan"])
    assert result.exit_code == 0, result.output
    assert "1 flag.raised, 0 reminder.due." in result.output
    assert [s.data["partner"]["id"] for s in sent.of("flag.raised")] == [partner.id]
    periodic = [t for t in queue(app).huey._registry._periodic_tasks if "webhooks_scan" in str(t)]
    assert len(periodic) == 1
