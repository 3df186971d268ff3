"""The private calendar feed: valid iCalendar with stable UIDs, only the user's open reminders,
revocable, and a new address revokes the old one."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from app.models import CalendarFeed
from app.services import calendar_feed
from tests.conftest import NOW
from tests.html import parse
from tests.reminders.conftest import make_reminder

# the feed reads the clock (its window starts today): it stands at NOW
pytestmark = pytest.mark.usefixtures("frozen_clock")
TODAY = NOW.date()


def _feed_url(logged_in):
    response = logged_in.post("/settings/calendar/feed")
    assert response.status_code == 302
    page = logged_in.get("/settings/calendar")
    html = page.get_data(as_text=True)
    url = parse(html).one("input", id="feed-url")["value"]
    assert "/calendar/" in url and url.endswith(".ics")
    return url[url.index("/calendar/") :], html


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_feed_is_valid_icalendar_with_the_users_open_reminders(
    app, logged_in, client, user, workspace, factories, other
):
    app.config["PUBLIC_BASE_URL"] = "https://crm.example.com"
    user.timezone = "Europe/Berlin"
    db.session.commit()
    acme = factories.partner(workspace, name="Acme; Sons, Ltd")
    soon, later = TODAY + timedelta(days=5), TODAY + timedelta(days=7)
    all_day = make_reminder(
        workspace, user, title="Send the proposal", due_on=soon, partner=acme, notes="Mention the instalments"
    )
    timed = make_reminder(workspace, user, title="Call Anna", due_on=later, due_time=time(9, 30))
    make_reminder(workspace, user, title="Already done", due_on=soon, completed_at=datetime(2026, 11, 20, tzinfo=UTC))
    teammate = factories.member(workspace)
    make_reminder(workspace, teammate, title="Teammate's", due_on=soon)
    make_reminder(other["workspace"], other["user"], title="Other workspace", due_on=soon)

    path, html = _feed_url(logged_in)
    assert "shown only now" in html
    # shown once: the next visit no longer has it
    assert 'id="feed-url"' not in logged_in.get("/settings/calendar").get_data(as_text=True)

    cal = _parse(client.get(path))
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"reminder-{all_day.id}@crm.example.com", f"reminder-{timed.id}@crm.example.com"}
    for event in events.values():
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert prop in event, prop
        assert event.decoded("DTSTAMP").tzinfo is not None  # DTSTAMP is UTC

    day = events[f"reminder-{all_day.id}@crm.example.com"]
    assert day["DTSTART"].params.get("VALUE") == "DATE"  # an all-day event
    assert day.decoded("DTSTART") == soon
    assert day.decoded("DTEND") == soon + timedelta(days=1)
    assert str(day["SUMMARY"]) == "Send the proposal — Acme; Sons, Ltd"
    description = str(day["DESCRIPTION"])
    assert "Partner: Acme; Sons, Ltd" in description and "Mention the instalments" in description
    assert f"https://crm.example.com/reminders/{all_day.id}/edit" in description

    at = events[f"reminder-{timed.id}@crm.example.com"]
    start = at.decoded("DTSTART")
    assert start.tzinfo is not None and str(at["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert start == datetime.combine(later, time(9, 30), tzinfo=ZoneInfo("Europe/Berlin"))
    assert at.decoded("DURATION") > timedelta(0) and "DTEND" not in at
    tzids = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert tzids == ["Europe/Berlin"]  # every TZID used is defined (RFC 5545 3.2.19)

    raw = client.get(path).data
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines, CRLF


def test_uids_stay_stable_when_a_reminder_is_snoozed(app, logged_in, client, user, workspace, frozen_clock):
    reminder = make_reminder(workspace, user, title="Stable", due_on=TODAY)
    path, _ = _feed_url(logged_in)
    first = [str(e["UID"]) for e in _parse(client.get(path)).walk("VEVENT")]
    frozen_clock.shift(timedelta(seconds=1))  # the feed sees a change by the time it was made
    assert logged_in.post(f"/reminders/{reminder.id}/snooze", data={"until": "next_week"}).status_code == 302
    events = _parse(client.get(path)).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == first
    assert int(events[0]["SEQUENCE"]) == 1


def test_revoked_and_replaced_feeds_answer_404(app, logged_in, client, user, workspace):
    make_reminder(workspace, user)
    first, _ = _feed_url(logged_in)
    assert client.get(first).status_code == 200
    second, _ = _feed_url(logged_in)  # a new address revokes the old one
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert logged_in.post("/settings/calendar/feed/revoke").status_code == 302
    assert client.get(second).status_code == 404
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    assert "Create calendar address" in logged_in.get("/settings/calendar").get_data(as_text=True)


def test_only_the_hash_of_the_token_is_stored(app, session, user, now):
    feed, token = calendar_feed.create_feed(session, user.id, now)
    session.commit()
    stored = session.scalars(select(CalendarFeed.token_hash)).all()
    assert token not in stored and feed.token_hash in stored
    assert calendar_feed.user_for_token(session, token).id == user.id


def test_feed_drops_workspaces_the_user_left(app, session, user, workspace, factories, now):
    owner = factories.user()
    shared = factories.workspace_of(owner)
    from app.models import Membership

    membership = Membership(workspace_id=shared.id, user_id=user.id, role="member")
    session.add(membership)
    session.commit()
    make_reminder(shared, user, title="In the shared workspace")
    make_reminder(workspace, user, title="In my own")
    assert len(calendar_feed.feed_rows(session, user.id, date(2026, 11, 24))) == 2
    session.delete(membership)
    session.commit()
    assert [r.title for r, _, _ in calendar_feed.feed_rows(session, user.id, date(2026, 11, 24))] == ["In my own"]


def test_an_empty_feed_is_still_a_valid_calendar(app, session, user, now):
    body = calendar_feed.build_calendar(user, [], now=now, host="example.com")
    cal = Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0" and not cal.walk("VEVENT")


def test_feed_is_public_but_settings_are_not(app, client):
    assert client.get("/settings/calendar").status_code == 302
    assert client.post("/settings/calendar/feed").status_code == 302
    assert client.get("/calendar/whatever.ics").status_code == 404


def test_unchanged_feed_answers_304_and_changes_are_seen(app, logged_in, client, user, workspace, frozen_clock):
    reminder = make_reminder(workspace, user, title="Poll me", due_on=TODAY)
    path, _ = _feed_url(logged_in)
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    frozen_clock.shift(timedelta(seconds=1))  # the feed sees a change by the time it was made
    logged_in.post(f"/reminders/{reminder.id}/snooze", data={"until": "tomorrow"})
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    frozen_clock.shift(timedelta(seconds=1))
    logged_in.post(f"/reminders/{reminder.id}/complete")
    done = client.get(path, headers={"If-None-Match": changed.headers["ETag"]})
    assert done.status_code == 200 and not _parse(done).walk("VEVENT")


def test_feed_window(app, session, user, workspace):
    today = date(2026, 11, 24)
    for days in (-31, -30, 0, 366, 367):
        make_reminder(workspace, user, title=f"{days:+d}", due_on=today + timedelta(days=days))
    assert [r.title for r, _, _ in calendar_feed.feed_rows(session, user.id, today)] == ["-30", "+0", "+366"]
    assert len(calendar_feed.feed_rows(session, user.id, today, limit=2)) == 2


def test_partner_name_is_not_repeated_in_the_summary(app, session, user, workspace, factories, now):
    acme = factories.partner(workspace, name="Acme")
    make_reminder(workspace, user, title="Check in with Acme", partner=acme)
    body = calendar_feed.build_calendar(
        user, calendar_feed.feed_rows(session, user.id, date(2026, 11, 24)), now=now, host="example.com"
    )
    assert str(Calendar.from_ical(body).walk("VEVENT")[0]["SUMMARY"]) == "Check in with Acme"


def test_renaming_a_partner_changes_the_feed(app, logged_in, client, user, workspace, factories, frozen_clock):
    acme = factories.partner(workspace, name="Acme")
    make_reminder(workspace, user, title="Call", partner=acme, due_on=TODAY)
    path, _ = _feed_url(logged_in)
    first = client.get(path)
    assert "Call — Acme" in first.get_data(as_text=True)
    acme.name = "Acme Group"
    frozen_clock.shift(timedelta(seconds=1))  # the rename stamps the partner's updated_at
    db.session.commit()
    second = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and "Call — Acme Group" in second.get_data(as_text=True)


@pytest.fixture
def limited_app(tmp_path):
    from app.extensions import limiter
    from tests.conftest import app_on_empty_database, make_user

    with app_on_empty_database(tmp_path, "limits", RATELIMIT_ENABLED=True) as app:
        yield app, make_user(name="Feed Owner", email="feed@example.com"), make_user(email="feed2@example.com")
    limiter.reset()


def test_feed_rate_limit_is_per_feed_not_per_address(limited_app, now):
    app, first, second = limited_app
    tokens = [calendar_feed.create_feed(db.session, u.id, now)[1] for u in (first, second)]
    db.session.commit()
    client = app.test_client()
    statuses = [client.get(f"/calendar/{tokens[0]}.ics").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    # another user's feed fetched from the same address is not affected
    assert client.get(f"/calendar/{tokens[1]}.ics").status_code == 200
