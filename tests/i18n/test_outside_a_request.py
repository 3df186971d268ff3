"""What Orchard sends outside a page — the reminder digest and the calendar feed — is in the
language of the user it is for, not in the language of the command or of the calendar app
fetching the feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from tests.conftest import NOW
from tests.html import parse
from tests.reminders.conftest import make_reminder


def test_the_digest_of_a_russian_user_is_in_russian(app, runner, smtp_server, workspace, user, factories):
    user.locale = "ru"
    user.timezone = "Europe/Berlin"
    db.session.commit()
    acme = factories.partner(workspace, name="Студия Север", owner_id=user.id)
    make_reminder(workspace, user, title="Отправить предложение", due_on=date(2026, 11, 20), partner=acme)
    make_reminder(workspace, user, title="Перезвонить Анне", due_on=date(2026, 11, 24))
    result = runner.invoke(args=["reminders", "digest", "--now", "2026-11-24T06:00:00+00:00"])
    assert result.exit_code == 0, result.output
    (mail,) = smtp_server.messages
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "overdue" not in mail["Subject"] and "просроч" in mail["Subject"], mail["Subject"]
    for body in (text, html):
        assert "Отправить предложение" in body
        assert "Overdue" not in body and "OVERDUE" not in body and "Due today" not in body
        assert "20 нояб. 2026" in body, body  # the day in Russian
    assert '<html lang="ru">' in html


@pytest.mark.usefixtures("frozen_clock")
def test_the_calendar_feed_of_a_russian_user_is_in_russian(app, logged_in, user, workspace, factories):
    user.locale = "ru"
    db.session.commit()
    partner = factories.partner(workspace, name="Студия Север")
    make_reminder(workspace, user, title="Позвонить", due_on=NOW.date() + timedelta(days=2), partner=partner)
    assert logged_in.post("/settings/calendar/feed").status_code == 302
    url = parse(logged_in.get("/settings/calendar").get_data(as_text=True)).one("input", id="feed-url")["value"]
    path = url[url.index("/calendar/") :]
    logged_in.post("/logout")
    # a calendar app fetches it without a session and in its own language
    body = app.test_client().get(path, headers={"Accept-Language": "en-US"}).data
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Напоминания Orchard"
    (event,) = calendar.walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert "Partner:" not in description and "Workspace:" not in description, description
    assert "Партнёр: Студия Север" in description, description
    user.locale = "en"  # a feed built before is not served in the language the user left
    db.session.commit()
    calendar = Calendar.from_ical(app.test_client().get(path).data)
    assert str(calendar["X-WR-CALNAME"]) == "Orchard reminders"
    assert "Partner: Студия Север" in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def test_the_merge_page_says_what_happens_to_the_referrals_in_russian(logged_in, user, workspace, now):
    from tests.merging.helpers import build_book

    book = build_book(workspace, user, now)
    user.locale = "ru"
    db.session.commit()
    page = logged_in.get(f"/duplicates/merge/{book.survivor.id}/{book.merged.id}").get_data(as_text=True)
    notes = [item.text for item in parse(page).find_all("li") if "Rita Referrer" in item.text]
    assert notes, page
    assert not any("referred by" in note or "becomes" in note for note in notes), notes


def test_a_password_reset_mail_is_in_the_accounts_language_not_the_browsers(app, client, user, smtp_server):
    user.locale = "ru"
    db.session.commit()
    client.post("/password/forgot", data={"email": user.email}, headers={"Accept-Language": "en-US"})
    (mail,) = smtp_server.messages
    assert "Reset your Orchard password" not in mail["Subject"], mail["Subject"]
    assert "Hello" not in mail.get_body(("plain",)).get_content()
    db.session.rollback()
