"""Reminder rules: creation and its validation, complete/reopen, snooze, and the due/overdue
boundaries in the user's own time zone."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app.models import Reminder
from app.services import ServiceError
from app.services import reminders as service
from app.services.clock import local_today


def _create(session, workspace, user, **overrides):
    values = {
        "workspace_id": workspace.id,
        "title": "Check in",
        "due_on": date(2026, 11, 25),
        "created_by_id": user.id,
        "now": datetime(2026, 11, 24, 12, tzinfo=UTC),
    }
    values.update(overrides)
    return service.create_reminder(session, **values)


def test_create_defaults_assignee_to_creator_and_flushes(session, workspace, user, factories, now):
    partner = factories.partner(workspace, name="Acme")
    reminder = _create(session, workspace, user, partner_id=partner.id, notes="  bring the contract ", now=now)
    assert reminder.id is not None
    assert reminder.assignee_id == user.id
    assert reminder.notes == "bring the contract"
    assert reminder.completed_at is None and reminder.snooze_count == 0
    assert reminder.created_at == now
    session.rollback()  # flushed, not committed
    assert session.scalar(select(func.count(Reminder.id))) == 0


def test_create_with_time_and_explicit_member(session, workspace, user, factories, now):
    teammate = factories.member(workspace, name="Sam")
    reminder = _create(session, workspace, user, assignee_id=teammate.id, due_time=time(9, 30), now=now)
    assert reminder.assignee_id == teammate.id and reminder.due_time == time(9, 30)


@pytest.mark.parametrize("title", ["", "   ", None])
def test_create_refuses_an_empty_title(session, workspace, user, now, title):
    with pytest.raises(ServiceError) as error:
        _create(session, workspace, user, title=title, now=now)
    assert error.value.field == "title"
    assert session.scalar(select(func.count(Reminder.id))) == 0


def test_create_refuses_a_too_long_title(session, workspace, user, now):
    with pytest.raises(ServiceError) as error:
        _create(session, workspace, user, title="x" * 201, now=now)
    assert error.value.field == "title"


def test_create_refuses_an_assignee_outside_the_workspace(session, workspace, user, other, now):
    with pytest.raises(ServiceError) as error:
        _create(session, workspace, user, assignee_id=other["user"].id, now=now)
    assert error.value.field == "assignee_id"
    assert "member" in error.value.message


def test_create_refuses_a_partner_of_another_workspace(session, workspace, user, other, now):
    with pytest.raises(ServiceError) as error:
        _create(session, workspace, user, partner_id=other["partner"].id, now=now)
    assert error.value.field == "partner_id"


def test_create_refuses_a_missing_date(session, workspace, user, now):
    with pytest.raises(ServiceError) as error:
        _create(session, workspace, user, due_on=None, now=now)
    assert error.value.field == "due_on"


def test_update_validates_like_create(session, workspace, user, other, now):
    reminder = _create(session, workspace, user, now=now)
    with pytest.raises(ServiceError) as error:
        service.update_reminder(
            session,
            reminder,
            title="Moved",
            due_on=date(2026, 12, 1),
            partner_id=other["partner"].id,
            assignee_id=user.id,
            now=now,
        )
    assert error.value.field == "partner_id"
    service.update_reminder(session, reminder, title=" Moved ", due_on=date(2026, 12, 1), assignee_id=user.id, now=now)
    assert reminder.title == "Moved" and reminder.due_on == date(2026, 12, 1)


def test_complete_and_reopen(session, workspace, user, now):
    reminder = _create(session, workspace, user, now=now)
    service.complete_reminder(session, reminder, now=now)
    assert reminder.completed_at == now
    later = now + timedelta(hours=1)
    service.complete_reminder(session, reminder, now=later)  # completing twice keeps the first time
    assert reminder.completed_at == now
    assert service.bucket(reminder, date(2026, 11, 24)) == "done"
    service.reopen_reminder(session, reminder, now=later)
    assert reminder.completed_at is None
    assert service.bucket(reminder, date(2026, 11, 24)) == "upcoming"


# --- snooze --------------------------------------------------------------------------------------

TUESDAY = date(2026, 11, 24)
MONDAY = date(2026, 11, 23)


def test_snooze_tomorrow_is_the_day_after_today_not_after_the_due_date(session, workspace, user, now):
    reminder = _create(session, workspace, user, due_on=date(2026, 11, 10), now=now)  # two weeks overdue
    service.snooze_reminder(session, reminder, "tomorrow", today=TUESDAY, now=now)
    assert reminder.due_on == date(2026, 11, 25)
    assert reminder.snooze_count == 1


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (TUESDAY, date(2026, 11, 30)),  # the coming Monday
        (MONDAY, date(2026, 11, 30)),  # on a Monday: the Monday a week later
        (date(2026, 11, 29), date(2026, 11, 30)),  # on a Sunday: tomorrow is Monday
    ],
)
def test_snooze_next_week_is_the_next_monday(session, workspace, user, now, today, expected):
    reminder = _create(session, workspace, user, due_on=today, now=now)
    service.snooze_reminder(session, reminder, "next_week", today=today, now=now)
    assert reminder.due_on == expected
    assert reminder.due_on.weekday() == 0 and reminder.due_on > today


def test_snooze_to_a_picked_date_and_counts_each_snooze(session, workspace, user, now):
    reminder = _create(session, workspace, user, due_on=TUESDAY, now=now)
    service.snooze_reminder(session, reminder, date(2026, 12, 15), today=TUESDAY, now=now)
    service.snooze_reminder(session, reminder, TUESDAY, today=TUESDAY, now=now)  # today itself is allowed
    assert reminder.due_on == TUESDAY and reminder.snooze_count == 2


def test_snooze_never_moves_into_the_past(session, workspace, user, now):
    reminder = _create(session, workspace, user, due_on=TUESDAY, now=now)
    with pytest.raises(ServiceError) as error:
        service.snooze_reminder(session, reminder, date(2026, 11, 23), today=TUESDAY, now=now)
    assert error.value.field == "until"
    assert reminder.due_on == TUESDAY and reminder.snooze_count == 0


def test_snoozing_a_done_reminder_is_refused(session, workspace, user, now):
    reminder = _create(session, workspace, user, now=now)
    service.complete_reminder(session, reminder, now=now)
    with pytest.raises(ServiceError):
        service.snooze_reminder(session, reminder, "tomorrow", today=TUESDAY, now=now)


def test_snooze_refuses_an_unknown_choice(session, workspace, user, now):
    reminder = _create(session, workspace, user, now=now)
    with pytest.raises(ServiceError):
        service.snooze_reminder(session, reminder, "someday", today=TUESDAY, now=now)


def test_delete(session, workspace, user, now):
    reminder = _create(session, workspace, user, now=now)
    service.delete_reminder(session, reminder, now=now)
    assert session.scalar(select(func.count(Reminder.id))) == 0


# --- due and overdue in the user's time zone ----------------------------------------------------


def test_local_today_around_midnight_in_los_angeles():
    # 07:59 UTC on the 25th is 23:59 on the 24th in Los Angeles (UTC-8 in November)
    assert local_today("America/Los_Angeles", datetime(2026, 11, 25, 7, 59, tzinfo=UTC)) == date(2026, 11, 24)
    assert local_today("America/Los_Angeles", datetime(2026, 11, 25, 8, 0, tzinfo=UTC)) == date(2026, 11, 25)
    assert local_today("Not/AZone", datetime(2026, 11, 25, 8, 0, tzinfo=UTC)) == date(2026, 11, 25)


def test_due_and_overdue_follow_the_users_midnight(session, workspace, user, now):
    user.timezone = "America/Los_Angeles"
    for due in (date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)):
        _create(session, workspace, user, title=f"due {due}", due_on=due, now=now)
    done = _create(session, workspace, user, title="done", due_on=date(2026, 11, 20), now=now)
    service.complete_reminder(session, done, now=now)

    before_midnight = local_today(user.timezone, datetime(2026, 11, 25, 7, 59, tzinfo=UTC))
    assert service.due_count(session, workspace.id, user.id, before_midnight) == 2
    assert service.bucket_counts(session, workspace.id, before_midnight, user.id) == {
        "overdue": 1,
        "today": 1,
        "upcoming": 2,
        "done": 1,
    }

    after_midnight = local_today(user.timezone, datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    assert service.due_count(session, workspace.id, user.id, after_midnight) == 3
    assert service.bucket_counts(session, workspace.id, after_midnight, user.id) == {
        "overdue": 2,
        "today": 1,
        "upcoming": 1,
        "done": 1,
    }


def test_auckland_is_already_tomorrow(session, workspace, user, now):
    # 12:00 UTC on the 24th is 01:00 on the 25th in Auckland (UTC+13 in November)
    today = local_today("Pacific/Auckland", now)
    assert today == date(2026, 11, 25)
    reminder = _create(session, workspace, user, due_on=date(2026, 11, 24), now=now)
    assert service.bucket(reminder, today) == "overdue"
    assert service.bucket(reminder, local_today("UTC", now)) == "today"


def test_due_count_is_per_assignee_and_workspace(session, workspace, user, other, factories, now):
    teammate = factories.member(workspace)
    _create(session, workspace, user, due_on=date(2026, 11, 24), now=now)
    _create(session, workspace, user, assignee_id=teammate.id, due_on=date(2026, 11, 24), now=now)
    _create(session, other["workspace"], other["user"], due_on=date(2026, 11, 24), now=now)
    assert service.due_count(session, workspace.id, user.id, date(2026, 11, 24)) == 1
    assert service.due_count(session, workspace.id, teammate.id, date(2026, 11, 24)) == 1
    assert service.bucket_counts(session, workspace.id, date(2026, 11, 24))["today"] == 2


def test_list_orders_overdue_first_and_pages(session, workspace, user, now):
    for day in (5, 1, 3):
        _create(session, workspace, user, title=f"d{day}", due_on=date(2026, 11, day), now=now)
    _create(session, workspace, user, title="timed", due_on=date(2026, 11, 1), due_time=time(8, 0), now=now)
    page = service.list_reminders(session, workspace.id, per_page=3)
    assert [r.title for r in page.items] == ["d1", "timed", "d3"]
    assert page.total == 4 and page.pages == 2
    assert [r.title for r in service.list_reminders(session, workspace.id, per_page=3, page=2).items] == ["d5"]


def test_bucket_counts_stop_past_the_cap(session, workspace, user, now):
    from sqlalchemy import insert

    rows = [
        {
            "workspace_id": workspace.id,
            "title": f"t{i}",
            "due_on": date(2026, 11, 1),
            "assignee_id": user.id,
            "snooze_count": 0,
        }
        for i in range(7)
    ]
    session.execute(insert(Reminder), rows)
    assert service.bucket_counts(session, workspace.id, date(2026, 11, 24), cap=5)["overdue"] == 6  # "5+"
    assert service.bucket_counts(session, workspace.id, date(2026, 11, 24), cap=10)["overdue"] == 7
