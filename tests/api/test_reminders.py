"""Reminders over the API: add, list (open/done, assignee), read, edit, delete, complete, reopen, snooze."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Reminder
from app.services import reminders as service

pytestmark = pytest.mark.usefixtures("frozen_clock")


def remind(workspace, user, now, **values):
    data = {"title": "Call Acme", "due_on": now.date(), **values}
    reminder = service.create_reminder(db.session, workspace_id=workspace.id, created_by_id=user.id, now=now, **data)
    db.session.commit()
    return reminder


def test_add_defaults_to_the_caller(api, workspace, user, factories, now):
    partner = factories.partner(workspace, name="Acme")
    response = api.post(
        "/api/v1/reminders",
        json={"title": "Send proposal", "due_on": "2026-11-30", "due_time": "09:30", "partner_id": partner.id},
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["assignee_id"] == user.id and body["partner_id"] == partner.id
    assert body["due_time"].startswith("09:30") and body["done"] is False
    assert response.headers["Location"].endswith(f"/api/v1/reminders/{body['id']}")


def test_add_refusals(api, other):
    bad = api.post("/api/v1/reminders", json={"title": "", "due_on": "2026-11-30"})
    assert bad.status_code == 422 and bad.json["errors"]["title"] == ["Give the reminder a title."]
    outsider = api.post(
        "/api/v1/reminders", json={"title": "X", "due_on": "2026-11-30", "assignee_id": other["user"].id}
    )
    assert outsider.status_code == 422 and "assignee_id" in outsider.json["errors"]
    theirs = api.post(
        "/api/v1/reminders", json={"title": "X", "due_on": "2026-11-30", "partner_id": other["partner"].id}
    )
    assert theirs.status_code == 422
    assert theirs.json["errors"]["partner_id"] == ["That partner is not in this workspace."]
    assert db.session.query(Reminder).count() == 0


def test_list_open_and_done(api, workspace, user, factories, now):
    member = factories.member(workspace)
    late = remind(workspace, user, now, due_on=now.date() - timedelta(days=3))
    soon = remind(workspace, user, now, due_on=now.date() + timedelta(days=1), assignee_id=member.id)
    done = remind(workspace, user, now)
    service.complete_reminder(db.session, done, now=now)
    db.session.commit()
    assert [r["id"] for r in api.get("/api/v1/reminders").json["data"]] == [late.id, soon.id]
    assert [r["id"] for r in api.get("/api/v1/reminders?view=done").json["data"]] == [done.id]
    assert [r["id"] for r in api.get(f"/api/v1/reminders?assignee_id={member.id}").json["data"]] == [soon.id]
    assert api.get("/api/v1/reminders?view=later").status_code == 422


def test_patch_complete_reopen(api, workspace, user, now):
    reminder = remind(workspace, user, now, due_time=None, notes="Keep")
    response = api.patch(f"/api/v1/reminders/{reminder.id}", json={"title": "Call Acme again"})
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Call Acme again" and response.json["notes"] == "Keep"
    done = api.post(f"/api/v1/reminders/{reminder.id}/complete")
    assert done.status_code == 200 and done.json["done"] is True
    reopened = api.post(f"/api/v1/reminders/{reminder.id}/reopen")
    assert reopened.status_code == 200 and reopened.json["done"] is False


def test_snooze(api, workspace, user, now):
    reminder = remind(workspace, user, now)
    tomorrow = api.post(f"/api/v1/reminders/{reminder.id}/snooze", json={"until": "tomorrow"})
    assert tomorrow.status_code == 200 and tomorrow.json["due_on"] == (now.date() + timedelta(days=1)).isoformat()
    week = api.post(f"/api/v1/reminders/{reminder.id}/snooze", json={"until": "next_week"})
    assert date.fromisoformat(week.json["due_on"]) == service.next_monday(now.date())
    assert week.json["snooze_count"] == 2
    past = api.post(f"/api/v1/reminders/{reminder.id}/snooze", json={"until": "2020-01-01"})
    assert past.status_code == 422
    assert past.json["errors"]["until"] == [
        "Pick today or a later date: a snooze cannot move a reminder into the past."
    ]
    nonsense = api.post(f"/api/v1/reminders/{reminder.id}/snooze", json={"until": "someday"})
    assert nonsense.status_code == 422 and "until" in nonsense.json["errors"]
    api.post(f"/api/v1/reminders/{reminder.id}/complete")
    closed = api.post(f"/api/v1/reminders/{reminder.id}/snooze", json={"until": "tomorrow"})
    assert closed.status_code == 422
    assert closed.json["errors"]["until"] == ["This reminder is done; reopen it before snoozing."]


def test_delete(api, workspace, user, now):
    reminder = remind(workspace, user, now)
    assert api.delete(f"/api/v1/reminders/{reminder.id}").status_code == 204
    assert api.get(f"/api/v1/reminders/{reminder.id}").status_code == 404


def test_another_workspaces_reminder_is_not_found(api, other, now):
    theirs = remind(other["workspace"], other["user"], now)
    missing = api.get("/api/v1/reminders/999999")
    for response in (
        api.get(f"/api/v1/reminders/{theirs.id}"),
        api.patch(f"/api/v1/reminders/{theirs.id}", json={"title": "Mine"}),
        api.post(f"/api/v1/reminders/{theirs.id}/complete"),
        api.post(f"/api/v1/reminders/{theirs.id}/reopen"),
        api.post(f"/api/v1/reminders/{theirs.id}/snooze", json={"until": "tomorrow"}),
        api.delete(f"/api/v1/reminders/{theirs.id}"),
    ):
        assert response.status_code == 404 and response.json == missing.json
    assert api.get("/api/v1/reminders").json["data"] == []
    db.session.expire_all()
    kept = db.session.get(Reminder, theirs.id)
    assert kept.title == "Call Acme" and kept.completed_at is None


def test_list_runs_constant_queries(api, workspace, user, factories, now, count_queries):
    def measure():
        api.get("/api/v1/reminders?limit=100")
        with count_queries() as counter:
            response = api.get("/api/v1/reminders?limit=100")
        assert response.status_code == 200
        return counter.count, len(response.json["data"])

    partner = factories.partner(workspace)
    remind(workspace, user, now, partner_id=partner.id)
    few, n = measure()
    for i in range(10):
        remind(workspace, user, now, due_on=now.date() + timedelta(days=i), partner_id=partner.id)
    many, m = measure()
    assert (n, m) == (1, 11)
    assert few == many
