"""Restore, empty and purge through the services: each kind comes back exactly as it was, every
summary right afterwards (flags, contact counts, health, the weekly trend, search)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import Contact, Interaction, Reminder, TrashEntry
from app.services import contacts as contact_service
from app.services import interactions as interaction_service
from app.services import partners as partner_service
from app.services import reminders as reminder_service
from app.services import trash
from tests.trash.helpers import entries, seen, touch


@pytest.fixture
def book(factories, workspace, user, now):
    """A partner with two contacts (Anna primary), three touches, the last with Boris."""
    partner = factories.partner(workspace, name="Garden Bistro", created_at=now - timedelta(days=300))
    anna = factories.contact(partner, name="Anna Primary", is_primary=True)
    boris = factories.contact(partner, name="Boris Second")
    touch(partner, now, 40, contact=anna, actor=user)
    touch(partner, now, 20, contact=anna, actor=user)
    last = touch(partner, now, 3, contact=boris, summary="Boris asked about the cellar", actor=user)
    return partner, anna, boris, last


def _only_entry(workspace):
    page = trash.trash_page(db.session, workspace.id)
    assert page.total == 1
    return page.items[0]


def test_a_removed_contact_comes_back_in_its_place_with_every_summary_right(book, workspace, user, now):
    partner, anna, boris, _ = book
    before = seen(workspace.id, partner.id, now, "Boris")
    contact_service.remove_contact(db.session.get(Contact, boris.id), now, by_id=user.id)
    db.session.commit()
    removed = seen(workspace.id, partner.id, now, "Boris")
    assert removed["contacts"] == ["Anna Primary"] and removed["activity"][0] == 1
    assert removed["flags"]["single_threaded"] == before["flags"]["single_threaded"] + 1
    item = _only_entry(workspace)
    assert (item.kind, item.label, item.partner_name, item.deleted_by) == (
        "contact",
        "Boris Second",
        "Garden Bistro",
        "Olga Owner",
    )
    restored = trash.restore(db.session, workspace.id, item.id)
    db.session.commit()
    assert (restored.kind, restored.item_id, restored.partner_id) == ("contact", boris.id, partner.id)
    assert seen(workspace.id, partner.id, now, "Boris") == before
    assert summaries.check(db.session, workspace.id) == []
    assert entries(workspace.id) == []


def test_a_restored_primary_contact_does_not_make_two_primaries(book, workspace, now):
    partner, anna, boris, _ = book
    contact_service.remove_contact(db.session.get(Contact, anna.id), now)
    contact_service.update_contact(db.session, db.session.get(Contact, boris.id), {"is_primary": True}, now)
    db.session.commit()
    trash.restore(db.session, workspace.id, _only_entry(workspace).id)
    db.session.commit()
    primaries = db.session.scalars(select(Contact.name).where(Contact.partner_id == partner.id, Contact.is_primary))
    assert list(primaries) == ["Boris Second"]


def test_a_deleted_interaction_counts_again_once_restored(book, workspace, user, now):
    partner, _, _, last = book
    before = seen(workspace.id, partner.id, now, "cellar")
    interaction_service.delete_interaction(db.session, db.session.get(Interaction, last.id), now=now, by_id=user.id)
    db.session.commit()
    gone = seen(workspace.id, partner.id, now, "cellar")
    assert gone["activity"][1] == 2 and gone["search"] == [] and gone["trend"] != before["trend"]
    item = _only_entry(workspace)
    assert (item.kind, item.touch_kind, item.occurred_at) == ("interaction", "call", now - timedelta(days=3))
    trash.restore(db.session, workspace.id, item.id)
    db.session.commit()
    assert seen(workspace.id, partner.id, now, "cellar") == before
    assert summaries.check(db.session, workspace.id) == []


def test_a_deleted_reminder_comes_back_under_its_id(book, workspace, user, now):
    partner = book[0]
    reminder = reminder_service.create_reminder(
        db.session,
        workspace_id=workspace.id,
        created_by_id=user.id,
        now=now,
        title="Send the tasting menu",
        partner_id=partner.id,
        due_on=date(2026, 12, 1),
        assignee_id=user.id,
        notes="With the wine list",
    )
    db.session.commit()
    reminder_id = reminder.id
    before = seen(workspace.id, partner.id, now, "tasting menu")
    reminder_service.delete_reminder(db.session, reminder, now=now, by_id=user.id)
    db.session.commit()
    assert db.session.get(Reminder, reminder_id) is None
    assert ("reminder", reminder_id, False) not in seen(workspace.id, partner.id, now, "tasting menu")["search"]
    trash.restore(db.session, workspace.id, _only_entry(workspace).id)
    db.session.commit()
    db.session.expire_all()
    back = db.session.get(Reminder, reminder_id)
    assert (back.title, back.partner_id, back.due_on, back.assignee_id, back.notes) == (
        "Send the tasting menu",
        partner.id,
        date(2026, 12, 1),
        user.id,
        "With the wine list",
    )
    assert seen(workspace.id, partner.id, now, "tasting menu") == before
    assert summaries.check(db.session, workspace.id) == []


def test_a_second_restore_says_the_item_is_no_longer_in_the_trash(book, workspace, now):
    contact_service.remove_contact(db.session.get(Contact, book[2].id), now)
    db.session.commit()
    entry_id = _only_entry(workspace).id
    trash.restore(db.session, workspace.id, entry_id)
    db.session.commit()
    with pytest.raises(trash.NotInTrash):
        trash.restore(db.session, workspace.id, entry_id)
    db.session.rollback()
    assert summaries.check(db.session, workspace.id) == []


def test_restoring_after_the_partner_was_deleted_says_so(book, workspace, now):
    partner, _, boris, last = book
    contact_service.remove_contact(db.session.get(Contact, boris.id), now)
    interaction_service.delete_interaction(db.session, db.session.get(Interaction, last.id), now=now)
    db.session.commit()
    ids = [item.id for item in trash.trash_page(db.session, workspace.id).items]
    partner_service.delete_partner(db.session, partner, partner.name)
    db.session.commit()
    for entry_id in ids:
        with pytest.raises(trash.NotInTrash):
            trash.restore(db.session, workspace.id, entry_id)
        db.session.rollback()


def test_another_workspaces_entry_cannot_be_restored(book, workspace, other, now):
    contact_service.remove_contact(db.session.get(Contact, other["contact"].id), now)
    db.session.commit()
    theirs = trash.trash_page(db.session, other["workspace"].id).items[0].id
    with pytest.raises(trash.NotInTrash):
        trash.restore(db.session, workspace.id, theirs)
    db.session.rollback()
    assert entries(other["workspace"].id) == [("contact", other["contact"].id)]
    assert trash.trash_page(db.session, workspace.id).total == 0


def test_the_old_restore_button_takes_the_item_out_of_the_trash(book, workspace, now):
    boris = db.session.get(Contact, book[2].id)
    contact_service.remove_contact(boris, now)
    db.session.commit()
    contact_service.restore_contact(boris)
    db.session.commit()
    assert entries(workspace.id) == []


def test_purge_deletes_for_good_only_what_is_older_than_30_days(book, workspace, user, now):
    partner, anna, boris, last = book
    contact_service.remove_contact(db.session.get(Contact, boris.id), now - timedelta(days=32))
    interaction_service.delete_interaction(
        db.session, db.session.get(Interaction, last.id), now=now - timedelta(days=29)
    )
    reminder = reminder_service.create_reminder(
        db.session, workspace_id=workspace.id, created_by_id=user.id, now=now, title="Old", due_on=date(2026, 10, 1)
    )
    db.session.flush()
    reminder_service.delete_reminder(db.session, reminder, now=now - timedelta(days=30, seconds=1))
    db.session.commit()
    assert trash.purge_trash(db.session, now=now - timedelta(days=1)) == 1  # a day earlier: the contact only
    db.session.commit()
    assert trash.purge_trash(db.session, now=now) == 1  # the reminder, 30 days and a second old
    db.session.commit()
    assert db.session.get(Contact, boris.id) is None
    assert entries(workspace.id) == [("interaction", last.id)]  # 29 days: still restorable
    assert db.session.get(Interaction, last.id).deleted_at is not None
    assert summaries.check(db.session, workspace.id) == []
    assert trash.purge_trash(db.session, now=now + timedelta(days=2)) == 1
    db.session.commit()
    assert db.session.get(Interaction, last.id) is None
    assert summaries.check(db.session, workspace.id) == []


def test_emptying_deletes_only_this_workspaces_trash(book, workspace, other, now):
    partner, anna, boris, last = book
    contact_service.remove_contact(db.session.get(Contact, boris.id), now)
    interaction_service.delete_interaction(db.session, db.session.get(Interaction, last.id), now=now)
    contact_service.remove_contact(db.session.get(Contact, other["contact"].id), now)
    db.session.commit()
    assert trash.empty_trash(db.session, workspace.id) == 2
    db.session.commit()
    assert db.session.get(Contact, boris.id) is None and db.session.get(Interaction, last.id) is None
    assert entries(workspace.id) == []
    assert entries(other["workspace"].id) == [("contact", other["contact"].id)]
    assert db.session.get(Contact, other["contact"].id) is not None
    assert summaries.check(db.session, workspace.id) == []
    assert db.session.scalar(select(func.count(TrashEntry.id))) == 1


def test_a_thread_marked_not_a_touch_keeps_its_own_undo_and_stays_out_of_the_trash(book, workspace, now):
    interaction_service.delete_interaction(db.session, db.session.get(Interaction, book[3].id), now=now, to_trash=False)
    db.session.commit()
    assert entries(workspace.id) == []


def test_two_deleted_reminders_that_shared_an_id_both_come_back(workspace, user, now):
    """SQLite may give a new reminder the id of one in the Trash: each keeps its own entry."""

    def make_and_delete(title):
        reminder = reminder_service.create_reminder(
            db.session, workspace_id=workspace.id, created_by_id=user.id, now=now, title=title, due_on=date(2026, 12, 1)
        )
        db.session.flush()
        reminder_service.delete_reminder(db.session, reminder, now=now)
        db.session.commit()

    make_and_delete("First")
    make_and_delete("Second")
    first, second = sorted(trash.trash_page(db.session, workspace.id).items, key=lambda item: item.id)
    assert (first.label, second.label) == ("First", "Second")
    trash.restore(db.session, workspace.id, second.id)
    trash.restore(db.session, workspace.id, first.id)
    db.session.commit()
    assert sorted(db.session.scalars(select(Reminder.title))) == ["First", "Second"]
    assert summaries.check(db.session, workspace.id) == []
