"""A logged email the user removed stays removed: deleted to the Trash and then deleted for good
(the Trash emptied, or purged after its days), the same message imported or synced again is not
logged again, and what was kept of its text goes with it."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction
from app.models.email_log import EmailMessage
from app.services import interactions as interaction_service
from app.services import trash
from app.services.mail_log import RawMessage, record_messages
from tests.mail_import.mail import message


def record(user, workspace, now, data):
    outcome = record_messages(
        db.session, workspace_id=workspace.id, user_id=user.id, messages=[RawMessage(data)], now=now, keep_body=True
    )
    db.session.commit()
    return outcome


def emails():
    return db.session.scalar(select(func.count(Interaction.id)).where(Interaction.deleted_at.is_(None)))


@pytest.mark.parametrize("for_good", ["empty", "purge"])
def test_an_email_deleted_for_good_is_not_logged_again(user, workspace, now, acme, for_good):
    data = message(sender="carla@acme.test", to=user.email, subject="Offer", text="The secret plan")
    assert record(user, workspace, now, data).logged == 1
    interaction = db.session.scalars(select(Interaction)).one()
    interaction_service.delete_interaction(db.session, interaction, now=now, by_id=user.id)
    db.session.commit()
    if for_good == "empty":
        trash.empty_trash(db.session, workspace.id)
    else:
        trash.purge_trash(db.session, now=now + timedelta(days=trash.TRASH_DAYS + 1))
    db.session.commit()
    assert db.session.scalar(select(func.count(Interaction.id))) == 0

    again = record(user, workspace, now + timedelta(days=40), data)

    assert (again.logged, again.duplicates) == (0, 1)
    assert emails() == 0
    kept = db.session.scalars(select(EmailMessage)).one()
    assert (kept.interaction_id, kept.snippet, kept.body) == (None, None, None)
