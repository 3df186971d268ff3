"""Links meant for outside the browser (the calendar feed and the links in its events) use the
address the user is actually on when no PUBLIC_BASE_URL is configured — not a made-up port 5000."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from tests.conftest import NOW
from tests.html import parse
from tests.reminders.conftest import make_reminder

pytestmark = pytest.mark.usefixtures("frozen_clock")
ON = "http://localhost:8123"  # the test client's cookies are for localhost, on any port


def _feed_url(client, base_url=ON):
    assert client.post("/settings/calendar/feed", base_url=base_url).status_code == 302
    html = client.get("/settings/calendar", base_url=base_url).get_data(as_text=True)
    return parse(html).one("input", id="feed-url")["value"]


def test_without_a_configured_address_the_feed_uses_the_one_the_user_is_on(app, logged_in, user, workspace):
    app.config["PUBLIC_BASE_URL"] = None
    make_reminder(workspace, user, title="Call Anna", due_on=NOW.date() + timedelta(days=2))
    url = _feed_url(logged_in)
    assert url.startswith(f"{ON}/calendar/") and url.endswith(".ics")
    calendar = Calendar.from_ical(logged_in.get(url[len(ON) :], base_url=ON).data)
    (event,) = calendar.walk("VEVENT")
    assert str(event["URL"]).startswith(f"{ON}/reminders/")
    assert str(event["UID"]).endswith("@localhost")


def test_a_configured_address_wins_over_the_request(app, logged_in):
    app.config["PUBLIC_BASE_URL"] = "https://crm.example.com/"
    assert _feed_url(logged_in).startswith("https://crm.example.com/calendar/")


def test_mail_links_never_trust_the_request_host(app, smtp_server, client, user, monkeypatch):
    """A password reset link built from the Host header could point a victim at an attacker's site:
    without a configured address, mails link to the local server on its PORT."""
    app.config["PUBLIC_BASE_URL"] = None
    monkeypatch.setenv("PORT", "8123")
    client.post("/password/forgot", data={"email": user.email}, base_url="http://evil.example")
    (message,) = smtp_server.messages
    body = message.get_body(("plain",)).get_content()
    assert "http://127.0.0.1:8123/password/reset/" in body and "evil.example" not in body
    db.session.rollback()
