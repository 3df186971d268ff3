"""Two partners merged: an email logged on the merged one is the survivor's touch already, so the
same message imported or synced again is a duplicate, not a second touch."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction
from app.services.mail_log import RawMessage, record_messages
from app.services.merging import merge_partners
from tests.mail_import.mail import message


def record(user, workspace, now, data):
    outcome = record_messages(
        db.session, workspace_id=workspace.id, user_id=user.id, messages=[RawMessage(data)], now=now
    )
    db.session.commit()
    return outcome


def touches(partner):
    return db.session.scalar(
        select(func.count(Interaction.id)).where(Interaction.partner_id == partner.id, Interaction.deleted_at.is_(None))
    )


def test_mail_logged_before_a_merge_is_not_logged_again_on_the_survivor(user, workspace, now, factories):
    survivor = factories.partner(workspace, name="Acme")
    merged = factories.partner(workspace, name="Acme Ltd")
    factories.contact(merged, name="Carla", email="carla@acme.test")
    first = message(sender="carla@acme.test", to=user.email, subject="Offer")
    assert record(user, workspace, now, first).logged == 1
    merge_partners(db.session, workspace, user, survivor_id=survivor.id, merged_id=merged.id, choices={}, now=now)
    db.session.commit()
    assert touches(survivor) == 1

    again = record(user, workspace, now, first)
    later = record(user, workspace, now, message(sender="carla@acme.test", to=user.email, subject="Next"))

    assert (again.logged, again.duplicates, later.logged) == (0, 1, 1)
    assert touches(survivor) == 2
