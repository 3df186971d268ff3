"""Interactions, timeline, activity feed, dashboard and help through HTTP."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction, PartnerActivity, Reminder
from tests.activity.helpers import aged_partner, touch
from tests.conftest import HX
from tests.html import parse

# the routes read the clock: it stands at `now`, which the interactions logged here are dated from
pytestmark = pytest.mark.usefixtures("frozen_clock")


def local_input(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def listed_kinds(html):
    """The kinds of the interactions listed, in order (their `kind-…` class)."""
    return [
        next(c.removeprefix("kind-") for c in item.classes if c.startswith("kind-"))
        for item in parse(html).find_all(class_="interaction")
    ]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_home_is_the_dashboard(logged_in):
    response = logged_in.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")


def test_timeline_newest_first_with_kind_filter_and_pages(logged_in, factories, workspace, now):
    partner, people = aged_partner(factories, workspace, now)
    touch(partner, now, 3, kind="meeting", contact=people[0])
    touch(partner, now, 1, kind="email", direction="theirs")
    touch(partner, now, 2, kind="note")
    page = logged_in.get(f"/partners/{partner.id}/timeline").get_data(as_text=True)
    kinds = listed_kinds(page)
    assert kinds == ["email", "note", "meeting"]
    assert "Health" in page and "Log an interaction" in page
    only = logged_in.get(f"/partners/{partner.id}/timeline?kind=meeting", headers=HX).get_data(as_text=True)
    assert listed_kinds(only) == ["meeting"]
    assert "<html" not in only  # a fragment for htmx
    for day in range(25):
        touch(partner, now, 10 + day)
    first = logged_in.get(f"/partners/{partner.id}/timeline").get_data(as_text=True)
    second = logged_in.get(f"/partners/{partner.id}/timeline?page=2").get_data(as_text=True)
    assert len(listed_kinds(first)) == 20
    assert len(listed_kinds(second)) == 8
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_log_with_follow_up_in_one_step(logged_in, factories, workspace, user, now, hx):
    partner, people = aged_partner(factories, workspace, now, tier="A")  # cadence 14
    response = logged_in.post(
        f"/partners/{partner.id}/interactions",
        headers=hx,
        data={
            "kind": "call",
            "direction": "theirs",
            "contact_id": str(people[1].id),
            "occurred_at": local_input(now - timedelta(hours=2)),
            "summary": "Asked for a quote",
            "follow_up": "14",
        },
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Call logged." in body and "Follow-up on" in body
    assert "interaction-logged" in json.loads(response.headers["HX-Trigger"])
    item = db.session.scalar(select(Interaction))
    assert (item.kind, item.direction, item.contact_id, item.created_by_id) == ("call", "theirs", people[1].id, user.id)
    assert item.summary == "Asked for a quote"
    reminder = db.session.scalar(select(Reminder))
    assert reminder.partner_id == partner.id and reminder.assignee_id == user.id
    assert reminder.due_on == now.date() + timedelta(days=14)
    assert reminder.title == f"Follow up with {partner.name}"
    assert db.session.get(PartnerActivity, partner.id).last_touch_direction == "theirs"


def test_follow_up_defaults_to_the_cadence(logged_in, factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now, cadence_days=21)
    page = logged_in.get(f"/partners/{partner.id}/timeline").get_data(as_text=True)
    chosen = parse(page).one("select", name="follow_up").one("option", selected=True)
    assert (chosen["value"], chosen.text) == ("21", "21 days (the cadence)")
    overview = logged_in.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert 'value="21">21 days (the cadence)' in overview and "quick-log-" in overview


def test_log_without_follow_up(logged_in, factories, workspace, now, hx):
    partner, _ = aged_partner(factories, workspace, now)
    response = logged_in.post(
        f"/partners/{partner.id}/interactions",
        headers=hx,
        data={"kind": "note", "occurred_at": local_input(now), "summary": "Prefers calls", "follow_up": ""},
    )
    assert response.status_code == 200
    assert count(Reminder) == 0
    assert db.session.scalar(select(Interaction.direction)) is None


def test_log_without_javascript_redirects_back(logged_in, factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    response = logged_in.post(
        f"/partners/{partner.id}/interactions",
        data={
            "kind": "email",
            "direction": "ours",
            "occurred_at": local_input(now),
            "follow_up": "",
            "next": f"/partners/{partner.id}",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/partners/{partner.id}")
    assert count(Interaction) == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "fax"}, "kind", "Choose what kind of interaction this was."),
        ({"direction": ""}, "direction", "Say who reached out"),
        ({"occurred_at": ""}, "occurred_at", "Say when it happened."),
        ({"occurred_at": "yesterday-ish"}, "occurred_at", "Not a valid datetime value."),
        ({"occurred_at": "future"}, "occurred_at", "That is in the future."),
        ({"kind": "note", "summary": ""}, "summary", "A note needs some text."),
        ({"follow_up": "soon"}, "follow_up", "Choose a number of days from the list"),
    ],
)
def test_log_validation_answers_422_next_to_the_field_and_keeps_input(
    logged_in, factories, workspace, now, hx, change, field, message
):
    partner, _ = aged_partner(factories, workspace, now)
    data = {
        "kind": "call",
        "direction": "ours",
        "occurred_at": local_input(now),
        "summary": "Discussed the spring campaign",
        "follow_up": "7",
    }
    data.update(change)
    if data["occurred_at"] == "future":
        data["occurred_at"] = local_input(now + timedelta(days=2))
    response = logged_in.post(f"/partners/{partner.id}/interactions", headers=hx, data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert 'class="field-error"' in body
    if data["summary"]:
        assert data["summary"] in body  # nothing typed is lost
    assert count(Interaction) == 0 and count(Reminder) == 0


def test_log_validation_without_javascript_shows_the_timeline_page(logged_in, factories, workspace, now):
    partner, _ = aged_partner(factories, workspace, now)
    response = logged_in.post(
        f"/partners/{partner.id}/interactions",
        data={"kind": "call", "direction": "", "occurred_at": local_input(now), "summary": "Kept text"},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<html" in body and "Say who reached out" in body and "Kept text" in body


def test_contact_of_another_partner_is_refused(logged_in, factories, workspace, other, now, hx):
    partner, _ = aged_partner(factories, workspace, now)
    response = logged_in.post(
        f"/partners/{partner.id}/interactions",
        headers=hx,
        data={
            "kind": "call",
            "direction": "ours",
            "occurred_at": local_input(now),
            "contact_id": str(other["contact"].id),
        },
    )
    assert response.status_code == 422
    assert "Choose one of this partner" in response.get_data(as_text=True)
    assert count(Interaction) == 0


def test_edit_delete_and_undo(logged_in, factories, workspace, now, hx):
    partner, _ = aged_partner(factories, workspace, now)
    item = touch(partner, now, 3)
    form = logged_in.get(f"/interactions/{item.id}/edit", headers=hx)
    assert form.status_code == 200 and f'id="interaction-{item.id}"' in form.get_data(as_text=True)
    bad = logged_in.post(
        f"/interactions/{item.id}",
        headers=hx,
        data={"kind": "email", "direction": "sideways", "occurred_at": local_input(now), "summary": "New text"},
    )
    assert bad.status_code == 422 and "Say who reached out" in bad.get_data(as_text=True)
    assert "New text" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Interaction, item.id).kind == "call"
    good = logged_in.post(
        f"/interactions/{item.id}",
        headers=hx,
        data={
            "kind": "email",
            "direction": "theirs",
            "occurred_at": local_input(now - timedelta(days=1)),
            "summary": "New text",
        },
    )
    assert good.status_code == 200 and "New text" in good.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PartnerActivity, partner.id).last_touch_direction == "theirs"
    deleted = logged_in.post(f"/interactions/{item.id}/delete", headers=hx)
    assert deleted.status_code == 200 and "Moved to Trash" in deleted.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PartnerActivity, partner.id).touch_count == 0
    assert f"interaction-{item.id}" not in logged_in.get(f"/partners/{partner.id}/timeline").get_data(as_text=True)
    restored = logged_in.post(f"/interactions/{item.id}/restore", headers=hx)
    assert restored.status_code == 200
    db.session.expire_all()
    assert db.session.get(PartnerActivity, partner.id).touch_count == 1
    assert f"interaction-{item.id}" in logged_in.get(f"/partners/{partner.id}/timeline").get_data(as_text=True)


def test_undo_right_after_logging_removes_the_follow_up_too(logged_in, factories, workspace, now, hx):
    partner, _ = aged_partner(factories, workspace, now)
    logged_in.post(
        f"/partners/{partner.id}/interactions",
        headers=hx,
        data={"kind": "call", "direction": "ours", "occurred_at": local_input(now), "follow_up": "7"},
    )
    item, reminder = db.session.scalar(select(Interaction)), db.session.scalar(select(Reminder))
    response = logged_in.post(
        f"/interactions/{item.id}/delete", headers=hx, data={"undo_log": "1", "reminder": str(reminder.id)}
    )
    assert response.status_code == 200 and "Undone" in response.get_data(as_text=True)
    db.session.expire_all()
    assert count(Reminder) == 0 and db.session.get(Interaction, item.id).deleted_at is not None


def test_another_workspace_answers_404(logged_in, factories, workspace, other, now, hx):
    theirs = other["partner"]
    from app.services import interactions as svc

    item = svc.log_interaction(
        db.session,
        theirs,
        {"kind": "call", "direction": "ours", "occurred_at": now},
        actor_id=other["user"].id,
        now=now,
    )
    db.session.commit()
    payload = {"kind": "call", "direction": "ours", "occurred_at": local_input(now), "summary": "x"}
    for headers in ({}, hx):
        assert logged_in.get(f"/partners/{theirs.id}/timeline", headers=headers).status_code == 404
        assert logged_in.post(f"/partners/{theirs.id}/interactions", data=payload, headers=headers).status_code == 404
        assert logged_in.get(f"/interactions/{item.id}/edit", headers=headers).status_code == 404
        assert logged_in.get(f"/interactions/{item.id}", headers=headers).status_code == 404
        assert logged_in.post(f"/interactions/{item.id}", data=payload, headers=headers).status_code == 404
        assert logged_in.post(f"/interactions/{item.id}/delete", headers=headers).status_code == 404
        assert logged_in.post(f"/interactions/{item.id}/restore", headers=headers).status_code == 404
        assert (
            logged_in.post(f"/dashboard/follow-up/{theirs.id}", data={"flag": "neglected"}, headers=headers).status_code
            == 404
        )
    db.session.expire_all()
    assert db.session.get(Interaction, item.id).deleted_at is None
    assert count(Interaction) == 1 and count(Reminder) == 0


def test_activity_feed_filters_by_member_and_kind(logged_in, factories, workspace, user, other, now):
    partner, _ = aged_partner(factories, workspace, now, name="Acme")
    sam = factories.member(workspace, name="Sam Member")
    touch(partner, now, 1, kind="call", actor=user)
    touch(partner, now, 2, kind="email", actor=sam)
    touch(other["partner"], now, 1, kind="meeting", actor=other["user"])
    page = logged_in.get("/activity").get_data(as_text=True)
    assert listed_kinds(page) == ["call", "email"]
    assert "Outsider Partner" not in page
    by_sam = logged_in.get(f"/activity?member={sam.id}").get_data(as_text=True)
    assert listed_kinds(by_sam) == ["email"]
    emails = logged_in.get("/activity?kind=call", headers=HX).get_data(as_text=True)
    assert listed_kinds(emails) == ["call"] and "<html" not in emails


def test_dashboard_shows_flags_counts_and_mine(logged_in, factories, workspace, user, now):
    mine, _ = aged_partner(factories, workspace, now, name="Acme Mine", owner_id=user.id)
    touch(mine, now, 41)
    theirs, _ = aged_partner(factories, workspace, now, name="Bolt Other")
    touch(theirs, now, 5, direction="theirs")
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "Acme Mine" in page and "Bolt Other" in page
    assert "Check in with Acme Mine — 41 days, cadence 30" in page
    assert "Reply to Bolt Other — waiting 5 days" in page
    doc = parse(page)
    assert doc.one(data_flag="neglected").one("strong").text == "1"
    assert doc.one(data_flag="waiting_on_us").one("strong").text == "1"
    assert "<svg" in page and "Touches per week" in page
    just_mine = logged_in.get("/dashboard?who=mine").get_data(as_text=True)
    assert "Acme Mine" in just_mine and "Bolt Other" not in just_mine


def test_one_click_follow_up_from_a_flag(logged_in, factories, workspace, user, now, hx):
    partner, _ = aged_partner(factories, workspace, now, name="Acme")
    touch(partner, now, 41)
    response = logged_in.post(f"/dashboard/follow-up/{partner.id}", data={"flag": "neglected"}, headers=hx)
    assert response.status_code == 200
    assert "Check in with Acme — 41 days, cadence 30" in response.get_data(as_text=True)
    reminder = db.session.scalar(select(Reminder))
    assert reminder.title == "Check in with Acme — 41 days, cadence 30"
    assert reminder.due_on == now.date() and reminder.assignee_id == user.id
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "Today and overdue" in page and f'id="reminder-{reminder.id}"' in page
    assert "Follow-up on" in page  # the flagged row shows the scheduled follow-up instead of the button


def test_logging_from_the_dashboard_takes_the_partner_off_the_neglected_list(logged_in, factories, workspace, now, hx):
    partner, _ = aged_partner(factories, workspace, now, name="Acme")
    touch(partner, now, 41)
    assert f"flag-neglected-{partner.id}" in logged_in.get("/dashboard").get_data(as_text=True)
    response = logged_in.post(
        f"/partners/{partner.id}/interactions",
        headers=hx,
        data={
            "kind": "call",
            "direction": "ours",
            "occurred_at": local_input(now),
            "follow_up": "30",
            "compact": "1",
            "box": "-neglected",
        },
    )
    assert response.status_code == 200 and f'id="quick-log-{partner.id}-neglected"' in response.get_data(as_text=True)
    body = logged_in.get("/dashboard", headers=hx).get_data(as_text=True)
    assert f"flag-neglected-{partner.id}" not in body


def test_help_page_documents_the_rules(logged_in):
    page = logged_in.get("/help").get_data(as_text=True)
    for text in (
        "Neglected",
        "Due soon",
        "Waiting on us",
        "Not answering us",
        "Burst then silence",
        "Single-threaded",
        "Health score",
        "40 × clamp(2 − overdue ratio, 0, 1)",
        "180 days",
        "14 days",
    ):
        assert text in page


def test_dashboard_row_loads_its_quick_log_box(logged_in, factories, workspace, now, hx):
    partner, _ = aged_partner(factories, workspace, now, tier="C")
    touch(partner, now, 70)
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert f"/partners/{partner.id}/quick-log?compact=1" in page  # loaded when "Log…" is opened
    box = logged_in.get(f"/partners/{partner.id}/quick-log?compact=1&box=-neglected%22%3E", headers=hx)
    body = box.get_data(as_text=True)
    assert box.status_code == 200 and "<html" not in body
    assert f'id="quick-log-{partner.id}-neglected"' in body  # the suffix keeps only safe characters
    assert parse(body).one("select", name="follow_up").one("option", selected=True)["value"] == "60"


def test_the_badge_and_the_dashboard_say_whose_reminders_they_count(logged_in, workspace, user, now, frozen_clock):
    """The badge counted the user's own due reminders while the dashboard listed everyone's under the
    same words: 2 against 3 with nothing to say why. Each now says whose, and "yours" agrees with it."""
    from tests.conftest import add_member, make_partner

    make_partner(workspace, name="Acme")  # a book with partners shows the dashboard, not the welcome
    teammate = add_member(workspace, name="Tom Teammate")
    today = now.date()
    for title, assignee in (("Mine A", user), ("Mine B", user), ("Tom's", teammate)):
        db.session.add(Reminder(workspace_id=workspace.id, title=title, due_on=today, assignee_id=assignee.id))
    db.session.commit()
    everyone = parse(logged_in.get("/dashboard").get_data(as_text=True))
    heading = everyone.one("section", id="dashboard-reminders").one("h2")
    assert heading.text.startswith("Today and overdue: everyone's")
    assert everyone.one("small", data_due_count=True).text == "(3)"
    badge = everyone.one("span", id="reminders-badge")
    assert badge.text == "2" and badge["title"] == "2 reminders due today or overdue, assigned to you"
    mine = parse(logged_in.get("/dashboard?who=mine").get_data(as_text=True))
    assert mine.one("section", id="dashboard-reminders").one("h2").text.startswith("Today and overdue: yours")
    assert mine.one("small", data_due_count=True).text == "(2)" == f"({badge.text})"
