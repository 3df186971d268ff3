"""Contacts of a partner. Removal is a soft mark, recorded in the Trash (app/services/trash), so it
can be undone there for TRASH_DAYS.

The contact count moves by the difference each change makes (app/summaries/contact_counts.py), so
a removal or restore first locks the contact and reads it as committed now: two removals at once
count it out once. Making a contact the primary one locks its partner first, so two contacts made
primary at once take turns (the later one stays primary) instead of waiting for each other."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from app.models import Contact, Partner
from app.services import trash
from app.services.locking import keep, lock, locked

CONTACT_FIELDS = ("name", "role", "email", "phone", "notes", "is_primary")
MIN_CONTACTS = 2  # "one" is the fatal number


def current_contacts(session: Session, partner_id: int) -> list[Contact]:
    return list(
        session.scalars(
            select(Contact)
            .where(Contact.partner_id == partner_id, Contact.removed_at.is_(None))
            .order_by(Contact.is_primary.desc(), Contact.name, Contact.id)
        )
    )


def _apply(contact: Contact, data: dict) -> None:
    for name in CONTACT_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip() or None
            if name == "email" and value:
                value = value.lower()
            setattr(contact, name, value)


def _lock_partner_for_primary(session: Session, partner_id: int, data: dict) -> None:
    if data.get("is_primary"):
        session.execute(locked(select(Partner.id).where(Partner.id == partner_id)))


def _only_one_primary(session: Session, contact: Contact) -> None:
    if contact.is_primary:
        session.execute(
            update(Contact)
            .where(Contact.partner_id == contact.partner_id, Contact.id != contact.id)
            .values(is_primary=False)
        )


def add_contact(session: Session, partner: Partner, data: dict, now: datetime) -> Contact:
    _lock_partner_for_primary(session, partner.id, data)
    keep(session, Partner, partner.id)  # not deleted meanwhile, nor until this commits
    contact = Contact(workspace_id=partner.workspace_id, partner_id=partner.id, created_at=now, updated_at=now)
    _apply(contact, data)
    session.add(contact)
    session.flush()
    _only_one_primary(session, contact)
    return contact


def update_contact(session: Session, contact: Contact, data: dict, now: datetime) -> Contact:
    _lock_partner_for_primary(session, contact.partner_id, data)
    lock(session, contact)  # as committed now: the flush writes what differs from it
    _apply(contact, data)
    contact.updated_at = now
    session.flush()
    _only_one_primary(session, contact)
    return contact


def remove_contact(contact: Contact, now: datetime, *, by_id: int | None = None) -> None:
    """Remove the contact to the Trash (`by_id`: the member who did, when known)."""
    session = object_session(contact)
    lock(session, contact)
    if contact.removed_at is None:
        contact.removed_at = now
        trash.put(session, "contact", contact, label=contact.name, by_id=by_id, now=now)


def restore_contact(contact: Contact) -> None:
    session = object_session(contact)
    lock(session, contact)
    contact.removed_at = None
    trash.discard(session, "contact", contact.id)
