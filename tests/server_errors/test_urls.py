"""Numbers in URLs beyond the database's integer range, and query arguments handed to url_for.

Observed: /referrals/tree/<id>/path/<2**64>.json raised OverflowError (a 500); /login?endpoint=x and
…/edit?ws=<other>&reminder_id=1 made url_for raise (a query argument named like one of url_for's own
parameters, or like a URL part)."""

from __future__ import annotations

import pytest

from app.models import Membership
from app.models.workspace import ROLE_MEMBER
from tests.conftest import make_partner, make_user, workspace_of
from tests.html import parse
from tests.reminders.conftest import make_reminder

HUGE = str(2**64)


@pytest.mark.parametrize(
    "path",
    [
        "/referrals/tree/1/path/{huge}.json",
        "/referrals/tree/{huge}/path/1.json",
        "/partners/{huge}",
        "/partners/{huge}/edit",
        "/deals/{huge}",
        "/reminders/{huge}/edit",
        "/partners/{big}",
    ],
)
def test_a_number_beyond_the_database_range_is_not_found(logged_in, workspace, path):
    make_partner(workspace, name="Root")
    response = logged_in.get(path.format(huge=HUGE, big=str(2**31)))
    assert response.status_code == 404


def test_the_largest_database_integer_is_still_an_id(logged_in):
    assert logged_in.get(f"/partners/{2**31 - 1}").status_code == 404  # looked up: nothing there


@pytest.mark.parametrize("query", ["endpoint=x", "_external=1", "_anchor=a", "_method=GET", "invite=abc&values=1"])
def test_login_page_with_query_arguments(client, query):
    response = client.get(f"/login?{query}")
    assert response.status_code == 200


def test_the_register_link_keeps_the_invite_only(client):
    page = parse(client.get("/login?invite=tok123&endpoint=x").get_data(as_text=True))
    hrefs = [a["href"] for a in page.find_all("a", href=lambda h: "register" in h)]
    assert hrefs == ["/register?invite=tok123"]


@pytest.fixture
def reminder_elsewhere(app, logged_in, user, workspace):
    """A reminder in a second workspace the logged-in user also belongs to."""
    from app.extensions import db

    owner = make_user(name="Other Owner", email="owner2@example.com")
    other_ws = workspace_of(owner)
    db.session.add(Membership(workspace_id=other_ws.id, user_id=user.id, role=ROLE_MEMBER))
    db.session.commit()
    return other_ws, make_reminder(other_ws, user, title="Elsewhere")


@pytest.mark.parametrize("extra", ["reminder_id=1", "endpoint=x", "_external=1", "next=/partners/"])
def test_other_workspace_hint_with_query_arguments(logged_in, reminder_elsewhere, extra):
    other_ws, reminder = reminder_elsewhere
    response = logged_in.get(f"/reminders/{reminder.id}/edit?ws={other_ws.id}&{extra}")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    nexts = [i["value"] for i in page.find_all("input", name="next")]
    assert nexts and all(n.startswith(f"/reminders/{reminder.id}/edit") and "ws=" not in n for n in nexts)
