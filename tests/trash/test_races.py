"""Two restores of one item at once: one brings it back, the other hears it is no longer in the
Trash (as a later try would); a restore and an empty at once: the item is either back or gone for
good, never both, and the summaries stay right."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import summaries
from app.extensions import db
from app.models import Contact, PartnerActivity, TrashEntry
from app.services import contacts as contact_service
from app.services import trash
from tests.concurrency.helpers import at_once
from tests.concurrency.meeting import meet_at

pytestmark = pytest.mark.usefixtures("frozen_clock")

ROUNDS = 3


def _trashed_contact(factories, partner, now, name):
    contact = factories.contact(partner, name=name)
    contact_service.remove_contact(db.session.get(Contact, contact.id), now)
    db.session.commit()
    entry_id = db.session.scalar(select(TrashEntry.id).where(TrashEntry.item_id == contact.id))
    return contact.id, entry_id


def test_two_restores_at_once_bring_the_item_back_once(app, monkeypatch, factories, user, workspace, now):
    meet_at(monkeypatch, (trash, "restore"))
    partner = factories.partner(workspace, name="Raced")
    for round_ in range(ROUNDS):
        _, entry_id = _trashed_contact(factories, partner, now, f"Twice {round_}")
        url = f"/settings/trash/{entry_id}/restore"
        responses = at_once(app, user, ("POST", url, {}), ("POST", url, {}))
        assert sorted(r.status_code for r in responses) == [200, 404], [r and r.status_code for r in responses]
        loser = next(r for r in responses if r.status_code == 404)
        assert "no longer in the Trash" in loser.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(PartnerActivity, partner.id).contact_count == round_ + 1
    assert summaries.check(db.session, workspace.id) == []


def test_a_restore_and_an_empty_at_once_leave_the_item_back_or_gone(app, monkeypatch, factories, user, workspace, now):
    meet_at(monkeypatch, (trash, "restore"), (trash, "empty_trash"))
    partner = factories.partner(workspace, name="Raced")
    for round_ in range(ROUNDS):
        contact_id, entry_id = _trashed_contact(factories, partner, now, f"Either {round_}")
        responses = at_once(
            app, user, ("POST", f"/settings/trash/{entry_id}/restore", {}), ("POST", "/settings/trash/empty", {})
        )
        assert all(r.status_code < 500 for r in responses), [r and r.status_code for r in responses]
        db.session.expire_all()
        contact = db.session.get(Contact, contact_id)
        assert (contact is None) == (responses[0].status_code == 404)
        assert contact is None or contact.removed_at is None
        assert db.session.scalar(select(TrashEntry.id).where(TrashEntry.item_id == contact_id)) is None
    assert summaries.check(db.session, workspace.id) == []
