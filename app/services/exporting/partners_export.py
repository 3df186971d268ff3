"""The partners list as a file: exactly the partners the list shows for its filters, search and
sort (every page), in the list's order, with the Orchard export header that the import recognises.

Values are what re-import maps back exactly: the raw choice keys (active, A, referral), the owner's
email, ids for the partner and its referrer. "Last interaction" is the last touch (the activity
summary's; internal notes are not touches) and "Created" its day, both as dates in the user's time
zone. "Primary contact" is the contact marked primary, else the first by name.

One query streams the partners (read in batches of BATCH rows); each batch adds one query for its
partners' primary contacts. Memory and queries per batch stay constant whatever the book's size.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.models import Contact, Partner, PartnerActivity, User
from app.services import partners as partner_service
from app.services.exporting.columns import BATCH, Column, Export
from app.services.partners import PartnerFilters

# The Orchard export header: a machine contract (app/services/importing recognises it and pre-maps
# every column), so it stays English and is never translated. Changing it breaks re-import.
PARTNER_HEADER = (
    "Orchard ID",
    "Name",
    "Kind",
    "Status",
    "Tier",
    "Owner",
    "Source",
    "Website",
    "Referred by",
    "Referrer ID",
    "Contacts",
    "Primary contact",
    "Primary contact email",
    "Primary contact phone",
    "Last interaction",
    "Notes",
    "No prospects reason",
    "Created",
)

COLUMNS = (
    Column("orchard_id", "integer", 10),
    Column("name", "text", 32),
    Column("kind", "text", 10),
    Column("status", "text", 10),
    Column("tier", "text", 6),
    Column("owner", "text", 26),
    Column("source", "text", 10),
    Column("website", "text", 28),
    Column("referred_by", "text", 26),
    Column("referrer_id", "integer", 10),
    Column("contacts", "integer", 9),
    Column("primary_contact", "text", 24),
    Column("primary_contact_email", "text", 28),
    Column("primary_contact_phone", "text", 18),
    Column("last_interaction", "date", 14),
    Column("notes", "text", 40),
    Column("no_prospects_reason", "text", 30),
    Column("created", "date", 12),
)


def partner_statement(session: Session, workspace_id: int, filters: PartnerFilters):
    """Every partner the list shows for `filters` (all pages), in its order, with what a row needs."""
    referrer = aliased(Partner)
    where = partner_service.filtered_partners(workspace_id, filters, session.get_bind().dialect.name)
    return (
        select(
            Partner.id,
            Partner.name,
            Partner.kind,
            Partner.status,
            Partner.tier,
            User.email.label("owner_email"),
            Partner.source,
            Partner.website,
            referrer.name.label("referrer_name"),
            Partner.referred_by_id,
            Partner.contact_count,
            PartnerActivity.last_touch_at,
            Partner.notes,
            Partner.no_prospects_reason,
            Partner.created_at,
        )
        .outerjoin(User, User.id == Partner.owner_id)
        .outerjoin(referrer, referrer.id == Partner.referred_by_id)
        .outerjoin(PartnerActivity, PartnerActivity.partner_id == Partner.id)
        .where(where)
        .order_by(*partner_service.list_order(session, workspace_id, filters))
    )


def primary_contacts(session: Session, partner_ids: list[int]) -> dict[int, tuple]:
    """{partner id: (name, email, phone)} of each partner's primary contact — the one marked primary,
    else the first by name — among its current contacts: one query for the whole batch."""
    rank = (
        func.row_number()
        .over(partition_by=Contact.partner_id, order_by=(Contact.is_primary.desc(), Contact.name, Contact.id))
        .label("rank")
    )
    ranked = (
        select(Contact.partner_id, Contact.name, Contact.email, Contact.phone, rank)
        .where(Contact.partner_id.in_(partner_ids), Contact.removed_at.is_(None))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.partner_id, ranked.c.name, ranked.c.email, ranked.c.phone).where(ranked.c.rank == 1)
    )
    return {partner_id: (name, email, phone) for partner_id, name, email, phone in rows}


def partner_rows(session: Session, workspace_id: int, filters: PartnerFilters, tz) -> Iterator[tuple]:
    result = session.execute(partner_statement(session, workspace_id, filters).execution_options(yield_per=BATCH))
    for batch in result.partitions():
        contacts = primary_contacts(session, [row.id for row in batch])
        for row in batch:
            name, email, phone = contacts.get(row.id, (None, None, None))
            yield (
                row.id,
                row.name,
                row.kind,
                row.status,
                row.tier,
                row.owner_email,
                row.source,
                row.website,
                row.referrer_name,
                row.referred_by_id,
                row.contact_count,
                name,
                email,
                phone,
                row.last_touch_at.astimezone(tz).date() if row.last_touch_at else None,
                row.notes,
                row.no_prospects_reason,
                row.created_at.astimezone(tz).date() if row.created_at else None,
            )


def partners_export(session: Session, workspace_id: int, filters: PartnerFilters, tz) -> Export:
    """`tz`: the user's time zone (a ZoneInfo): dates are the days it was there."""
    return Export("partners", COLUMNS, partner_rows(session, workspace_id, filters, tz))
