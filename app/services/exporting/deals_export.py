"""The deals list as a file: every deal its filters and search match (all pages), in its order,
amounts as numbers with the currency in its own column. One streaming query."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Deal, Partner, User
from app.services.deals import DealFilters, deal_order, deal_where
from app.services.exporting.columns import BATCH, Column, Export
from app.services.money import as_money

COLUMNS = (
    Column("id", "integer", 8),
    Column("title", "text", 32),
    Column("partner", "text", 28),
    Column("partner_id", "integer", 10),
    Column("stage", "text", 12),
    Column("amount", "amount", 14),
    Column("currency", "text", 9),
    Column("owner", "text", 26),
    Column("expected_close_on", "date", 14),
    Column("closed_on", "date", 12),
    Column("value_to_us", "integer", 10),
    Column("value_to_us_note", "text", 30),
    Column("value_to_partner", "integer", 10),
    Column("value_to_partner_note", "text", 30),
    Column("lost_reason", "text", 30),
    Column("notes", "text", 40),
    Column("created", "date", 12),
)


def deal_rows(session: Session, workspace_id: int, filters: DealFilters, tz) -> Iterator[tuple]:
    statement = (
        select(Deal, Partner.name.label("partner_name"), User.email.label("owner_email"))
        .join(Partner, Partner.id == Deal.partner_id)
        .outerjoin(User, User.id == Deal.owner_id)
        .where(deal_where(workspace_id, filters))
        .order_by(*deal_order(filters))
        .execution_options(yield_per=BATCH)
    )
    for batch in session.execute(statement).partitions():
        for row in batch:
            deal = row.Deal
            yield (
                deal.id,
                deal.title,
                row.partner_name,
                deal.partner_id,
                deal.stage,
                as_money(deal.amount),
                deal.currency,
                row.owner_email,
                deal.expected_close_on,
                deal.closed_on,
                deal.value_to_us,
                deal.value_to_us_note,
                deal.value_to_partner,
                deal.value_to_partner_note,
                deal.lost_reason,
                deal.notes,
                deal.created_at.astimezone(tz).date() if deal.created_at else None,
            )


def deals_export(session: Session, workspace_id: int, filters: DealFilters, tz) -> Export:
    return Export("deals", COLUMNS, deal_rows(session, workspace_id, filters, tz))
