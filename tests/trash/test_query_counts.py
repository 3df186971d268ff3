"""The Trash page runs the same number of SQL statements with 3 deleted items or 60."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Contact, Interaction, Reminder
from app.services import contacts as contact_service
from app.services import interactions as interaction_service
from app.services import reminders as reminder_service
from tests.trash.helpers import touch

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _fill(factories, workspace, user, now, size):
    """`size` deleted items of each kind, at `size` partners."""
    for index in range(size):
        partner = factories.partner(workspace, name=f"Partner {index}")
        contact = factories.contact(partner, name=f"Contact {index}")
        item = touch(partner, now, index % 20 + 1, summary=f"Touch {index}")
        reminder = reminder_service.create_reminder(
            db.session, workspace_id=workspace.id, title=f"Reminder {index}", due_on=date(2026, 12, 1), now=now
        )
        db.session.flush()
        when = now - timedelta(minutes=index)
        contact_service.remove_contact(db.session.get(Contact, contact.id), when, by_id=user.id)
        interaction_service.delete_interaction(db.session, db.session.get(Interaction, item.id), now=when)
        reminder_service.delete_reminder(db.session, db.session.get(Reminder, reminder.id), now=when, by_id=user.id)
        db.session.commit()


def _page_queries(logged_in, count_queries) -> int:
    logged_in.get("/settings/trash")  # warm: the login's first page
    with count_queries() as counter:
        response = logged_in.get("/settings/trash")
    assert response.status_code == 200
    return counter.count


def test_the_trash_page_is_constant_in_queries(logged_in, count_queries, factories, workspace, user, now):
    _fill(factories, workspace, user, now, 1)
    small = _page_queries(logged_in, count_queries)
    _fill(factories, workspace, user, now, 20)
    page = logged_in.get("/settings/trash").get_data(as_text=True)
    assert "63 items in the Trash." in page
    assert _page_queries(logged_in, count_queries) == small
    assert small <= 10
