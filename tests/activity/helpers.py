"""Small builders for the activity tests."""

from datetime import timedelta

from app.extensions import db
from app.services import interactions as svc


def touch(partner, now, days_ago, direction="ours", kind="call", contact=None, actor=None, hours=0):
    """Log one interaction `days_ago` days (and `hours` hours) before `now`."""
    item = svc.log_interaction(
        db.session,
        partner,
        {
            "kind": kind,
            "direction": direction,
            "occurred_at": now - timedelta(days=days_ago, hours=hours),
            "summary": "Talked" if kind != "note" else "A note",
            "contact_id": contact.id if contact else None,
        },
        actor_id=actor.id if actor else None,
        now=now,
    )
    db.session.commit()
    return item


def aged_partner(factories, workspace, now, days=400, **overrides):
    """A partner added `days` days ago, with two contacts unless told otherwise."""
    contacts = overrides.pop("contacts", 2)
    partner = factories.partner(workspace, created_at=now - timedelta(days=days), **overrides)
    people = [factories.contact(partner) for _ in range(contacts)]
    return partner, people
