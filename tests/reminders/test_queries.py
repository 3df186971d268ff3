"""Constant SQL query counts whatever the data size, and the navigation badge's cost: one query on
full pages, none on fragments."""

from datetime import time, timedelta

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import insert

from app.extensions import db
from app.models import Reminder
from app.reminders.routes import reminders_due_count
from tests.conftest import NOW
from tests.html import parse

# the pages read the clock: it stands at NOW
pytestmark = pytest.mark.usefixtures("frozen_clock")


def _fill(workspace, users, partners, n):
    today = NOW.date()
    rows = []
    for i in range(n):
        rows.append(
            {
                "workspace_id": workspace.id,
                "title": f"Task {i}",
                "partner_id": partners[i % len(partners)].id,
                "due_on": today + timedelta(days=(i % 21) - 10),
                "due_time": time(9, 0) if i % 3 == 0 else None,
                "assignee_id": users[i % len(users)].id,
                "created_by_id": users[0].id,
                "snooze_count": 0,
                "completed_at": NOW if i % 5 == 0 else None,
            }
        )
    db.session.execute(insert(Reminder), rows)
    db.session.commit()


def _setup(workspace, user, factories, n):
    users = [user, factories.member(workspace), factories.member(workspace)]
    partners = [factories.partner(workspace, name=f"P{i}", owner_id=users[i % 3].id) for i in range(min(n, 30))]
    _fill(workspace, users, partners, n)
    return partners


def _queries(count_queries, client, url, **kwargs):
    with count_queries() as counter:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return counter.count, counter.statements


def test_reminders_page_query_count_is_the_same_at_two_sizes(app, logged_in, user, workspace, factories, count_queries):
    _setup(workspace, user, factories, 4)
    small = {
        url: _queries(count_queries, logged_in, url)[0]
        for url in ("/reminders/", "/reminders/?who=all", "/reminders/?view=done&who=all")
    }
    _fill(workspace, [user], [factories.partner(workspace)], 400)  # more than a page
    large = {url: _queries(count_queries, logged_in, url)[0] for url in small}
    assert small == large
    # user+workspace, bucket counts, the page of reminders (partner and assignee joined), the nav badge,
    # the workspace switcher
    assert large["/reminders/"] == 5


def test_partner_tab_and_feed_query_counts_are_constant(
    app, logged_in, client, user, workspace, factories, count_queries
):
    partners = _setup(workspace, user, factories, 6)
    logged_in.post("/settings/calendar/feed")
    html = logged_in.get("/settings/calendar").get_data(as_text=True)
    shown = parse(html).one("input", id="feed-url")["value"]
    feed = shown[shown.index("/calendar/") :]
    tab = f"/partners/{partners[0].id}/reminders"
    small = (_queries(count_queries, logged_in, tab)[0], _queries(count_queries, client, feed)[0])
    _fill(workspace, [user], partners[:1], 300)
    large = (_queries(count_queries, logged_in, tab)[0], _queries(count_queries, client, feed)[0])
    assert small == large
    # a partner owned by a teammate costs the same (the header's owner is loaded with the partner)
    assert _queries(count_queries, logged_in, f"/partners/{partners[1].id}/reminders")[0] == large[0] == 7
    assert large[1] == 3  # the token's user, the feed's version (ETag), the reminders with names


def test_the_badge_costs_exactly_one_query(app, user, workspace, count_queries):
    with app.test_request_context("/"):
        login_user(user)
        g.workspace = workspace
        with count_queries() as counter:
            reminders_due_count()
        assert counter.count == 1
        assert "count(reminder.id)" in counter.statements[0].lower()


def test_fragments_do_not_count_the_badge(app, logged_in, user, workspace, factories, count_queries, hx):
    partner = factories.partner(workspace)
    _fill(workspace, [user], [partner], 5)
    full = _queries(count_queries, logged_in, f"/partners/{partner.id}/reminders")
    fragment = _queries(count_queries, logged_in, f"/partners/{partner.id}/reminders", headers=hx)

    def badge_queries(statements):
        return [s for s in statements if "count(reminder.id)" in s.lower()]

    assert len(badge_queries(full[1])) == 1
    assert badge_queries(fragment[1]) == []
    assert fragment[0] == full[0] - 2  # no badge, no workspace switcher


def test_the_badge_endpoint_refreshes_after_actions(app, logged_in, user, workspace, hx, count_queries):
    from app.services.clock import local_today
    from tests.reminders.conftest import make_reminder

    reminder = make_reminder(workspace, user, due_on=local_today(user.timezone, NOW))
    count, _ = _queries(count_queries, logged_in, "/reminders/badge", headers=hx)
    assert count == 2  # the user, the count
    assert ">1</span>" in logged_in.get("/reminders/badge", headers=hx).get_data(as_text=True)
    logged_in.post(f"/reminders/{reminder.id}/complete", headers=hx)
    badge = logged_in.get("/reminders/badge", headers=hx).get_data(as_text=True)
    assert 'class="count hidden"' in badge and "></span>" in badge
