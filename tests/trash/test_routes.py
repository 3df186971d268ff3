"""Settings → Trash and the "Moved to Trash" messages of every delete: what a user sees and clicks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import summaries
from app.extensions import db
from app.models import Contact, Interaction, Reminder, TrashEntry
from app.services import contacts as contact_service
from tests.conftest import HX, add_member
from tests.html import parse
from tests.reminders.conftest import make_reminder
from tests.trash.helpers import entries, touch

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _entry_ids(workspace) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(TrashEntry.id).where(TrashEntry.workspace_id == workspace.id)))


@pytest.fixture
def partner(factories, workspace):
    return factories.partner(workspace, name="Garden Bistro")


def test_an_empty_trash_says_what_it_is_for(logged_in):
    response = logged_in.get("/settings/trash")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "The Trash is empty" in text and "restore it with one click" in text
    assert "Empty trash" not in text


def test_deleting_each_kind_says_moved_to_trash_and_the_restore_works_after_leaving(
    logged_in, partner, factories, user, workspace, now
):
    contact = factories.contact(partner, name="Boris Second")
    item = touch(partner, now, 2, summary="Asked about the cellar")
    reminder = make_reminder(workspace, user, title="Send the menu", partner=partner)

    removed = logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove", headers=HX)
    assert "Moved to Trash: Boris Second." in removed.get_data(as_text=True)
    deleted = logged_in.post(f"/interactions/{item.id}/delete", headers=HX).get_data(as_text=True)
    assert "Moved to Trash: Call of" in deleted and "Open Trash" in deleted
    gone = logged_in.post(f"/reminders/{reminder.id}/delete", headers=HX).get_data(as_text=True)
    assert "Moved to Trash: Send the menu" in gone
    restore_url = parse(gone).one("form")["action"]
    assert restore_url.startswith("/settings/trash/")

    logged_in.get("/reminders/")  # navigating away does not lose the way back
    page = logged_in.get("/settings/trash").get_data(as_text=True)
    for words in ("Boris Second", "Asked about the cellar", "Send the menu", "Garden Bistro", "by Olga Owner"):
        assert words in page
    assert page.index("Send the menu") < page.index("Asked about the cellar") < page.index("Boris Second")

    back = logged_in.post(restore_url, headers=HX)
    assert back.status_code == 200 and "Restored: Send the menu" in back.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Reminder, reminder.id).title == "Send the menu"
    assert summaries.check(db.session, workspace.id) == []


def test_restore_from_the_trash_page_without_javascript(logged_in, partner, factories, workspace):
    contact = factories.contact(partner, name="Plain Restore")
    logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove")
    (entry_id,) = _entry_ids(workspace)
    response = logged_in.post(f"/settings/trash/{entry_id}/restore", data={"from": "trash"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/trash")
    page = logged_in.get("/settings/trash").get_data(as_text=True)
    assert "Restored: Plain Restore" in page and "The Trash is empty" in page
    assert db.session.get(Contact, contact.id).removed_at is None


def test_restore_in_the_trash_list_swaps_the_row(logged_in, partner, factories, workspace):
    contact = factories.contact(partner, name="Row Swap")
    logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove", headers=HX)
    (entry_id,) = _entry_ids(workspace)
    response = logged_in.post(f"/settings/trash/{entry_id}/restore", data={"from": "trash"}, headers=HX)
    row = parse(response.get_data(as_text=True)).one(id=f"trash-{entry_id}")
    assert row.tag == "li" and "Restored: Row Swap" in row.text
    assert row.one("a")["href"] == f"/partners/{partner.id}#partner-contacts"


def test_a_second_restore_says_so_clearly(logged_in, partner, factories, workspace):
    contact = factories.contact(partner, name="Twice")
    logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove", headers=HX)
    (entry_id,) = _entry_ids(workspace)
    assert logged_in.post(f"/settings/trash/{entry_id}/restore", headers=HX).status_code == 200
    again = logged_in.post(f"/settings/trash/{entry_id}/restore", headers=HX)
    assert again.status_code == 404
    assert "no longer in the Trash" in parse(again.get_data(as_text=True)).one(class_="request-problem").text
    plain = logged_in.post(f"/settings/trash/{entry_id}/restore")
    assert plain.status_code == 404 and "no longer in the Trash" in plain.get_data(as_text=True)


def test_restoring_after_the_partner_was_deleted_is_a_message_not_an_error(logged_in, partner, factories, workspace):
    contact = factories.contact(partner, name="Orphan")
    logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove", headers=HX)
    (entry_id,) = _entry_ids(workspace)
    assert logged_in.post(f"/partners/{partner.id}/delete", data={"confirm_name": "Garden Bistro"}).status_code == 302
    response = logged_in.post(f"/settings/trash/{entry_id}/restore", headers=HX)
    assert response.status_code == 404
    assert "its partner was deleted" in response.get_data(as_text=True)


def test_another_workspaces_trash_is_invisible_and_untouchable(logged_in, other, workspace, now):
    contact_service.remove_contact(db.session.get(Contact, other["contact"].id), now)
    db.session.commit()
    (theirs,) = _entry_ids(other["workspace"])
    assert "Outsider Contact" not in logged_in.get("/settings/trash").get_data(as_text=True)
    assert logged_in.post(f"/settings/trash/{theirs}/restore", headers=HX).status_code == 404
    assert logged_in.post("/settings/trash/empty").status_code == 302
    assert entries(other["workspace"].id) == [("contact", other["contact"].id)]
    assert db.session.get(Contact, other["contact"].id).removed_at is not None


def test_only_owners_empty_the_trash(client, auth, partner, factories, workspace, now):
    member = add_member(workspace, name="Mila Member")
    contact = factories.contact(partner, name="Kept Safe")
    contact_service.remove_contact(db.session.get(Contact, contact.id), now)
    db.session.commit()
    auth.login(member)
    page = client.get("/settings/trash").get_data(as_text=True)
    assert "Kept Safe" in page and "Empty trash" not in page  # members see and restore, not empty
    assert client.get("/settings/trash/empty").status_code == 403
    assert client.post("/settings/trash/empty").status_code == 403
    assert len(_entry_ids(workspace)) == 1 and db.session.get(Contact, contact.id) is not None


def test_an_owner_empties_the_trash_after_confirming(logged_in, partner, factories, user, workspace, now):
    for name in ("One", "Two"):
        contact = factories.contact(partner, name=name)
        logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove", headers=HX)
    item = touch(partner, now, 1)
    logged_in.post(f"/interactions/{item.id}/delete", headers=HX)
    assert "Empty trash" in logged_in.get("/settings/trash").get_data(as_text=True)
    confirm = logged_in.get("/settings/trash/empty").get_data(as_text=True)
    assert "3 items will be deleted for good" in confirm
    assert len(_entry_ids(workspace)) == 3  # asking deletes nothing
    response = logged_in.post("/settings/trash/empty", follow_redirects=True)
    assert "3 items deleted for good." in response.get_data(as_text=True)
    assert _entry_ids(workspace) == []
    assert db.session.scalar(select(func.count(Contact.id)).where(Contact.partner_id == partner.id)) == 0
    assert db.session.get(Interaction, item.id) is None
    assert summaries.check(db.session, workspace.id) == []


def test_the_trash_pages_newest_first(app, logged_in, partner, factories, workspace, now):
    app.config["PER_PAGE"], per_page = 2, app.config["PER_PAGE"]
    try:
        for index in range(3):
            contact = factories.contact(partner, name=f"Person {index}")
            contact_service.remove_contact(db.session.get(Contact, contact.id), now - timedelta(hours=3 - index))
        db.session.commit()
        first = logged_in.get("/settings/trash").get_data(as_text=True)
        assert "Person 2" in first and "Person 1" in first and "Person 0" not in first
        assert "Page 1 of 2" in first
        assert "Person 0" in logged_in.get("/settings/trash?page=2").get_data(as_text=True)
    finally:
        app.config["PER_PAGE"] = per_page


def test_the_trash_is_in_the_settings_and_the_user_menu(logged_in):
    page = parse(logged_in.get("/settings/profile").get_data(as_text=True))
    assert len(page.find_all("a", href="/settings/trash")) >= 2


def test_purge_command_purges_only_what_is_older_than_30_days(runner, partner, factories, workspace, now):
    old, recent = factories.contact(partner, name="Old").id, factories.contact(partner, name="Recent").id
    contact_service.remove_contact(db.session.get(Contact, old), now - timedelta(days=31))
    contact_service.remove_contact(db.session.get(Contact, recent), now - timedelta(days=2))
    db.session.commit()
    result = runner.invoke(args=["trash", "purge", "--now", now.strftime("%Y-%m-%d %H:%M:%S")])
    assert result.exit_code == 0, result.output
    assert "1 item(s) older than 30 days deleted for good." in result.output
    db.session.expire_all()
    assert db.session.get(Contact, old) is None and db.session.get(Contact, recent) is not None
    assert summaries.check(db.session, workspace.id) == []


def test_a_member_restores_what_they_can_see(client, auth, partner, workspace, now):
    member = add_member(workspace, name="Mila Member")
    reminder = make_reminder(workspace, member, title="Member's own", partner=partner, due_on=date(2026, 12, 2))
    auth.login(member)
    client.post(f"/reminders/{reminder.id}/delete", headers=HX)
    (entry_id,) = _entry_ids(workspace)
    assert "by Mila Member" in client.get("/settings/trash").get_data(as_text=True)
    assert client.post(f"/settings/trash/{entry_id}/restore", headers=HX).status_code == 200
    assert db.session.get(Reminder, reminder.id) is not None
