"""Contacts of a partner. Removal is a soft mark so it can be undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Contact, Partner

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


def _only_one_primary(session: Session, contact: Contact) -> None:
    if contact.is_primary:
        session.execute(
            update(Contact)
            .where(Contact.partner_id == contact.partner_id, Contact.id != contact.id)
            .values(is_primary=False)
        )


def add_contact(session: Session, partner: Partner, data: dict, now: datetime) -> Contact:
    contact = Contact(workspace_id=partner.workspace_id, partner_id=partner.id, created_at=now, updated_at=now)
    _apply(contact, data)
    session.add(contact)
    session.flush()
    _only_one_primary(session, contact)
    return contact


def update_contact(session: Session, contact: Contact, data: dict, now: datetime) -> Contact:
    _apply(contact, data)
    contact.updated_at = now
    session.flush()
    _only_one_primary(session, contact)
    return contact


def remove_contact(contact: Contact, now: datetime) -> None:
    contact.removed_at = now


def restore_contact(contact: Contact) -> None:
    contact.removed_at = None
