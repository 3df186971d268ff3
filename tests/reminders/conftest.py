"""Reminder fixtures: a reminder factory (the SMTP server receiving the digests is tests/mail_server.py)."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import Reminder


def make_reminder(
    workspace, assignee, *, title="Call back", due_on=date(2026, 11, 24), partner=None, **extra
) -> Reminder:
    reminder = Reminder(
        workspace_id=workspace.id,
        title=title,
        due_on=due_on,
        assignee_id=assignee.id if assignee else None,
        created_by_id=assignee.id if assignee else None,
        partner_id=partner.id if partner else None,
        **extra,
    )
    db.session.add(reminder)
    db.session.commit()
    return reminder


@pytest.fixture
def reminder_factory(app):
    return make_reminder
