"""Contacts as a file: the current (not removed) contacts of the partners a partners-list filter
shows, or of one partner, or one contact; as a table (CSV / .xlsx) or as vCard 4.0 cards.

One streaming query (read in batches of BATCH rows), partners in the list's order, each partner's
contacts primary first, then by name.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contact, Partner
from app.services import partners as partner_service
from app.services.exporting.columns import BATCH, Column, Export
from app.services.exporting.vcard_writer import CardContact
from app.services.partners import PartnerFilters

COLUMNS = (
    Column("partner_name", "text", 30),
    Column("partner_id", "integer", 10),
    Column("name", "text", 26),
    Column("role", "text", 20),
    Column("email", "text", 30),
    Column("phone", "text", 18),
    Column("notes", "text", 40),
    Column("primary", "bool", 9),
)

_CONTACT_ORDER = (Contact.is_primary.desc(), Contact.name, Contact.id)


def _statement():
    return (
        select(
            Contact.id,
            Contact.workspace_id,
            Contact.partner_id,
            Contact.name,
            Contact.role,
            Contact.email,
            Contact.phone,
            Contact.notes,
            Contact.is_primary,
            Contact.updated_at,
            Partner.name.label("partner_name"),
            Partner.kind.label("partner_kind"),
        )
        .join(Partner, Partner.id == Contact.partner_id)
        .where(Contact.removed_at.is_(None))
    )


def filtered_statement(session: Session, workspace_id: int, filters: PartnerFilters):
    """The contacts of every partner the list shows for `filters` (all pages)."""
    where = partner_service.filtered_partners(workspace_id, filters, session.get_bind().dialect.name)
    return (
        _statement()
        .where(Contact.workspace_id == workspace_id, where)
        .order_by(*partner_service.list_order(session, workspace_id, filters), *_CONTACT_ORDER)
    )


def partner_statement(partner_id: int):
    """One partner's contacts (the caller has checked the partner is in the workspace)."""
    return _statement().where(Contact.partner_id == partner_id).order_by(*_CONTACT_ORDER)


def contact_statement(contact_id: int):
    return _statement().where(Contact.id == contact_id)


def _stream(session: Session, statement):
    for batch in session.execute(statement.execution_options(yield_per=BATCH)).partitions():
        yield from batch


def contact_rows(session: Session, statement) -> Iterator[tuple]:
    for row in _stream(session, statement):
        yield (row.partner_name, row.partner_id, row.name, row.role, row.email, row.phone, row.notes, row.is_primary)


def contacts_export(session: Session, statement) -> Export:
    return Export("contacts", COLUMNS, contact_rows(session, statement))


def card_contacts(session: Session, statement) -> Iterator[CardContact]:
    for row in _stream(session, statement):
        yield CardContact(
            workspace_id=row.workspace_id,
            contact_id=row.id,
            name=row.name,
            role=row.role,
            email=row.email,
            phone=row.phone,
            notes=row.notes,
            updated_at=row.updated_at,
            partner_name=row.partner_name,
            partner_kind=row.partner_kind,
        )
