"""What a user sees of a workspace, to compare before a delete and after its restore."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Partner, PartnerActivity
from app.services import interactions, neglect, search
from app.services.contacts import current_contacts


def seen(workspace_id: int, partner_id: int, now, words: str) -> dict:
    """Flags, the partner's contacts (in their order), activity row, health, weekly trend and search."""
    db.session.expire_all()
    activity = db.session.get(PartnerActivity, partner_id)
    found = search.search(db.session, workspace_id, words, include_archived=True)
    return {
        "flags": neglect.flag_counts(db.session, workspace_id, now),
        "contacts": [c.name for c in current_contacts(db.session, partner_id)],
        "activity": (activity.contact_count, activity.touch_count, activity.last_touch_at, activity.run_contact_id),
        "health": neglect.partner_status(db.session, db.session.get(Partner, partner_id), now).score,
        "trend": interactions.touches_per_week(db.session, workspace_id, now),
        "search": sorted((hit.kind, hit.id, hit.archived) for hit in found.hits),
    }


def touch(partner, now, days_ago, *, contact=None, summary="Talked about the tasting menu", actor=None):
    item = interactions.log_interaction(
        db.session,
        partner,
        {
            "kind": "call",
            "direction": "theirs",
            "occurred_at": now - timedelta(days=days_ago),
            "summary": summary,
            "contact_id": contact.id if contact else None,
        },
        actor_id=actor.id if actor else None,
        now=now,
    )
    db.session.commit()
    return item


def entries(workspace_id: int) -> list[tuple[str, int]]:
    from app.models import TrashEntry

    db.session.expire_all()
    rows = db.session.execute(
        select(TrashEntry.kind, TrashEntry.item_id)
        .where(TrashEntry.workspace_id == workspace_id)
        .order_by(TrashEntry.id)
    )
    return [tuple(row) for row in rows]
