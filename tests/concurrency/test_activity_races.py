"""Interactions and contacts changed by simultaneous requests: the summaries they feed (the weekly
touch counts, each partner's activity row, its contact count) stay equal to what a rebuild gives.
On PostgreSQL the requests meet inside the service call (tests/concurrency/meeting.py), so each has
read the rows before any of them writes; several rounds each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import Contact, Interaction, Partner, PartnerActivity, TouchWeek
from app.services import contacts as contact_service
from app.services import interactions as interaction_service
from app.services import partners as partner_service
from app.services.interactions import touches_per_week
from tests.activity.helpers import touch
from tests.concurrency.helpers import at_once
from tests.concurrency.meeting import meet_at

pytestmark = pytest.mark.usefixtures("frozen_clock")  # the routes log at NOW

ROUNDS = 4


def _touches(workspace_id: int) -> int:
    """All touches the weekly counters hold (what the dashboard's trend adds up)."""
    return db.session.scalar(select(func.sum(TouchWeek.touches)).where(TouchWeek.workspace_id == workspace_id)) or 0


def _log_form(now, days_ago: int) -> dict:
    return {
        "kind": "call",
        "direction": "ours",
        "occurred_at": (now - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M"),
        "summary": "Called",
        "follow_up": "",
    }


def _partner(workspace, now, name="Acme") -> Partner:
    partner = partner_service.create_partner(db.session, workspace.id, {"name": name}, now)
    db.session.commit()
    return partner


# --- delete, restore, edit of one interaction -------------------------------------------------------


def test_deleting_and_restoring_one_interaction_at_once_keep_the_weekly_counts(app, monkeypatch, user, workspace, now):
    partner = _partner(workspace, now)
    touch(partner, now, 2, actor=user)  # another touch of the same week and author
    item = touch(partner, now, 3, actor=user)
    delete, restore = f"/interactions/{item.id}/delete", f"/interactions/{item.id}/restore"
    meet_at(
        monkeypatch,
        (interaction_service, "delete_interaction"),
        (interaction_service, "restore_interaction"),
        parties=4,
    )
    for round_ in range(ROUNDS):
        # two tabs, each deleting and undoing: two deletes and two restores at the same instant
        responses = at_once(
            app, user, ("POST", delete, {}), ("POST", restore, {}), ("POST", delete, {}), ("POST", restore, {})
        )
        assert all(r.status_code == 200 for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        counted = 1 + (db.session.get(Interaction, item.id).deleted_at is None)
        assert (_touches(workspace.id), db.session.get(PartnerActivity, partner.id).touch_count) == (
            counted,
            counted,
        ), f"round {round_}"
        assert summaries.check(db.session, workspace.id) == []


def test_editing_and_deleting_one_interaction_at_once_keep_the_weekly_counts(app, monkeypatch, user, workspace, now):
    partner = _partner(workspace, now)
    item = touch(partner, now, 1, actor=user)
    edit, delete = f"/interactions/{item.id}", f"/interactions/{item.id}/delete"
    meet_at(
        monkeypatch, (interaction_service, "update_interaction"), (interaction_service, "delete_interaction"), parties=3
    )
    for round_ in range(ROUNDS):
        # moved to two other weeks and deleted, at once (an edit after the delete is refused: 422)
        responses = at_once(
            app,
            user,
            ("POST", edit, _log_form(now, 8 + round_)),
            ("POST", edit, _log_form(now, 22 + round_)),
            ("POST", delete, {}),
        )
        assert all(r.status_code in (200, 422) for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        assert _touches(workspace.id) == 0, f"round {round_}"
        assert summaries.check(db.session, workspace.id) == []
        interaction_service.restore_interaction(db.session, db.session.get(Interaction, item.id))
        db.session.commit()


# --- a partner deleted while its touches are logged -------------------------------------------------


def test_deleting_a_partner_with_touches_leaves_no_touches_in_the_trend(user, workspace, now):
    partner = _partner(workspace, now)
    for days_ago in (1, 2, 9):
        touch(partner, now, days_ago, actor=user)
    assert sum(n for _, n in touches_per_week(db.session, workspace.id, now)) == 3
    partner_service.delete_partner(db.session, partner, "Acme")
    db.session.commit()
    assert sum(n for _, n in touches_per_week(db.session, workspace.id, now)) == 0
    assert summaries.check(db.session, workspace.id) == []


def test_deleting_a_partner_while_touches_are_logged_leaves_no_touches_in_the_trend(
    app, monkeypatch, user, workspace, now
):
    touch(_partner(workspace, now, name="Kept"), now, 1, actor=user)
    meet_at(monkeypatch, (interaction_service, "log_interaction"), (partner_service, "delete_partner"), parties=4)
    for round_ in range(ROUNDS):
        partner = _partner(workspace, now, name=f"Gone {round_}")
        partner_id = partner.id
        logs = [("POST", f"/partners/{partner_id}/interactions", _log_form(now, days)) for days in (1, 2, 3)]
        responses = at_once(
            app, user, *logs, ("POST", f"/partners/{partner_id}/delete", {"confirm_name": partner.name})
        )
        # a touch logged after the delete finds no partner, as a later try would (404), never a 500
        assert all(r.status_code in (200, 302, 404) for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        assert db.session.get(Partner, partner_id) is None
        assert _touches(workspace.id) == 1, f"round {round_}"
        assert summaries.check(db.session, workspace.id) == []


# --- touches and contacts added at once to one partner ---------------------------------------------


def test_three_touches_logged_at_once_for_one_partner_all_count(app, monkeypatch, user, workspace, now):
    meet_at(monkeypatch, (interaction_service, "log_interaction"), parties=3)
    for round_ in range(ROUNDS):
        partner = _partner(workspace, now, name=f"Busy {round_}")
        url = f"/partners/{partner.id}/interactions"
        responses = at_once(app, user, *[("POST", url, _log_form(now, days)) for days in (1, 2, 3)])
        assert [r.status_code for r in responses] == [200, 200, 200]
        db.session.expire_all()
        activity = db.session.get(PartnerActivity, partner.id)
        assert (activity.touch_count, activity.our_count) == (3, 3), f"round {round_}"
        assert summaries.check(db.session, workspace.id) == []


def test_two_contacts_added_at_once_to_one_partner_both_count(app, monkeypatch, user, workspace, now):
    meet_at(monkeypatch, (contact_service, "add_contact"))
    for round_ in range(ROUNDS):
        partner = _partner(workspace, now, name=f"Crowded {round_}")
        url = f"/partners/{partner.id}/contacts"
        responses = at_once(app, user, ("POST", url, {"name": "Ann"}), ("POST", url, {"name": "Bob"}))
        assert [r.status_code for r in responses] == [200, 200]
        db.session.expire_all()
        counts = (
            db.session.get(Partner, partner.id).contact_count,
            db.session.get(PartnerActivity, partner.id).contact_count,
        )
        assert counts == (2, 2), f"round {round_}"
        assert summaries.check(db.session, workspace.id) == []


def test_removing_and_restoring_one_contact_at_once_keep_the_contact_count(app, monkeypatch, user, workspace, now):
    partner = _partner(workspace, now)
    contact_service.add_contact(db.session, partner, {"name": "Stays"}, now)
    contact = contact_service.add_contact(db.session, partner, {"name": "Ann"}, now)
    db.session.commit()
    base = f"/partners/{partner.id}/contacts/{contact.id}"
    meet_at(monkeypatch, (contact_service, "remove_contact"), (contact_service, "restore_contact"), parties=4)
    for round_ in range(ROUNDS):
        # two tabs, each removing and undoing: two removes and two restores at the same instant
        responses = at_once(
            app,
            user,
            ("POST", f"{base}/remove", {}),
            ("POST", f"{base}/restore", {}),
            ("POST", f"{base}/remove", {}),
            ("POST", f"{base}/restore", {}),
        )
        assert all(r.status_code == 200 for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        counted = 1 + (db.session.get(Contact, contact.id).removed_at is None)
        assert db.session.get(Partner, partner.id).contact_count == counted, f"round {round_}"
        assert summaries.check(db.session, workspace.id) == []


def test_two_contacts_made_primary_at_once_leave_one_primary(app, monkeypatch, user, workspace, now):
    partner = _partner(workspace, now)
    people = [contact_service.add_contact(db.session, partner, {"name": name}, now) for name in ("Ann", "Bob")]
    db.session.commit()
    meet_at(monkeypatch, (contact_service, "update_contact"))
    for round_ in range(ROUNDS):
        responses = at_once(
            app,
            user,
            *[("POST", f"/partners/{partner.id}/contacts/{c.id}", {"name": c.name, "is_primary": "y"}) for c in people],
        )
        assert [r.status_code for r in responses] == [200, 200]
        db.session.expire_all()
        primary = db.session.scalars(select(Contact.id).where(Contact.partner_id == partner.id, Contact.is_primary))
        assert len(primary.all()) == 1, f"round {round_}"


def test_a_contact_added_while_its_partner_is_deleted_finds_no_partner(app, monkeypatch, user, workspace, now):
    meet_at(monkeypatch, (contact_service, "add_contact"), (partner_service, "delete_partner"))
    for round_ in range(ROUNDS):
        partner = _partner(workspace, now, name=f"Leaving {round_}")
        responses = at_once(
            app,
            user,
            ("POST", f"/partners/{partner.id}/contacts", {"name": "Late Contact"}),
            ("POST", f"/partners/{partner.id}/delete", {"confirm_name": partner.name}),
        )
        # the contact comes first (and goes with the partner), or finds the partner gone: never a 500
        assert all(r.status_code in (200, 302, 404) for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Contact).where(Contact.name == "Late Contact")) == 0
        assert summaries.check(db.session, workspace.id) == []


def test_a_deal_added_while_its_partner_is_deleted_finds_no_partner(app, monkeypatch, user, workspace, now):
    from app.models import Deal
    from app.services import deals as deal_service

    meet_at(monkeypatch, (deal_service, "create_deal"), (partner_service, "delete_partner"))
    for round_ in range(ROUNDS):
        partner = _partner(workspace, now, name=f"Closing {round_}")
        deal = {"partner_id": str(partner.id), "title": "Late deal", "amount": "100", "currency": "EUR", "stage": "won"}
        responses = at_once(
            app,
            user,
            ("POST", "/deals/new", deal),
            ("POST", f"/partners/{partner.id}/delete", {"confirm_name": partner.name}),
        )
        # the deal comes first (and goes with the partner), or finds the partner gone: never a 500
        assert all(r.status_code in (302, 404) for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Deal).where(Deal.title == "Late deal")) == 0
        assert summaries.check(db.session, workspace.id) == []
