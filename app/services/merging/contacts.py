"""Merging two contacts of one partner: the survivor takes the chosen values; the interactions
with the other one and the referrals it introduced now name the survivor; the other is removed
(removed_at, as the contacts list's Remove does) and the merge can be undone (undo.py).

The survivor is primary when either was. Terms versions that name the merged contact as the one who
agreed them are history and keep naming them (a removed contact is still on record).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.messages import N_
from app.models import Contact, ContactMerge, Interaction, Partner, Referral
from app.services import Gone, ServiceError
from app.services.locking import locked
from app.services.merging import snapshot
from app.services.merging.partners import SIDES, default_choices

# field -> label, in the order of the page (translated by the template)
FIELDS = {"name": N_("Name"), "role": N_("Role"), "email": N_("Email"), "phone": N_("Phone"), "notes": N_("Notes")}


def lock_contacts(session: Session, workspace_id: int, partner_id: int, ids: set[int]) -> dict[int, Contact]:
    """The partner's row, then the two contacts, locked in id order; Gone unless both are contacts
    of this partner of this workspace."""
    partner = session.scalar(
        locked(select(Partner.id).where(Partner.id == partner_id, Partner.workspace_id == workspace_id))
    )
    if partner is None:
        raise Gone()
    rows = session.scalars(
        locked(
            select(Contact)
            .where(Contact.partner_id == partner_id, Contact.workspace_id == workspace_id, Contact.id.in_(ids))
            .order_by(Contact.id)
        )
    ).all()
    if len(rows) != len(ids):
        raise Gone()
    return {contact.id: contact for contact in rows}


def merge_contacts(
    session: Session,
    workspace,
    actor,
    *,
    partner_id: int,
    survivor_id: int,
    merged_id: int,
    choices: dict[str, str],
    now: datetime,
) -> ContactMerge:
    """Merge contact `merged_id` into `survivor_id` (both of partner `partner_id`)."""
    workspace_id, actor_id = getattr(workspace, "id", workspace), getattr(actor, "id", actor)
    if survivor_id == merged_id:
        raise ServiceError("Choose two different contacts to merge.")
    pair = lock_contacts(session, workspace_id, partner_id, {survivor_id, merged_id})
    survivor, merged = pair[survivor_id], pair[merged_id]
    for contact in (merged, survivor):
        if contact.removed_at is not None:
            raise ServiceError("%(name)s was removed. Restore it before merging.", name=contact.name)
    if set(choices) - set(FIELDS) or any(side not in SIDES for side in choices.values()):
        raise ServiceError("Choose, for each field, the value to keep.")
    chosen = {**default_choices(survivor, merged, FIELDS), **choices}

    touched = {
        "contact": [survivor, merged],
        "interaction": list(session.scalars(select(Interaction).where(Interaction.contact_id == merged.id))),
        "referral": list(session.scalars(select(Referral).where(Referral.contact_id == merged.id))),
    }
    before = snapshot.take(touched)
    for name in FIELDS:
        if chosen[name] == "merged":
            setattr(survivor, name, getattr(merged, name))
    survivor.is_primary = survivor.is_primary or merged.is_primary
    survivor.updated_at = now
    merged.is_primary, merged.removed_at, merged.updated_at = False, now, now
    for interaction in touched["interaction"]:
        interaction.contact_id, interaction.updated_at = survivor.id, now
    for referral in touched["referral"]:
        referral.contact_id = survivor.id
    session.flush()
    loaded = snapshot.load_all(session, before)
    record = ContactMerge(
        workspace_id=workspace_id,
        partner_id=partner_id,
        survivor_id=survivor.id,
        merged_id=merged.id,
        actor_id=actor_id,
        merged_at=now,
        before=before,
        after=snapshot.take({table: rows.values() for table, rows in loaded.items()}),
        summary={"interaction": len(touched["interaction"]), "referral": len(touched["referral"]), "choices": chosen},
    )
    session.add(record)
    session.flush()
    return record
