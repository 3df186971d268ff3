"""The ledger: its filters, the page of entries, the totals per currency, the CSV export, paying.

The Ledger page's totals and count come from CommissionTotal (per currency, status and month
earned), which app/summaries/commission_totals.py keeps in every flush from the entries the ORM
adds, changes or removes; a referrer's own view and periods that are not whole months sum the
entries themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.models import Commission, CommissionTotal, Deal, Partner
from app.services import ServiceError
from app.services.locking import locked
from app.services.money import ZERO, as_money
from app.services.pagination import Page


@dataclass
class LedgerFilters:
    status: str = ""  # "", owed, paid
    period_from: date | None = None
    period_to: date | None = None
    referrer_id: int | None = None
    currency: str = ""
    page: int = 1


@dataclass
class CurrencyTotals:
    currency: str
    earned: Decimal = ZERO
    owed: Decimal = ZERO
    paid: Decimal = ZERO
    entries: int = 0


def ledger_where(workspace_id: int, filters: LedgerFilters):
    conditions = [Commission.workspace_id == workspace_id]
    if filters.status in ("owed", "paid"):
        conditions.append(Commission.status == filters.status)
    if filters.period_from:
        conditions.append(Commission.earned_on >= filters.period_from)
    if filters.period_to:
        conditions.append(Commission.earned_on <= filters.period_to)
    if filters.referrer_id:
        conditions.append(Commission.referrer_id == filters.referrer_id)
    if filters.currency:
        conditions.append(Commission.currency == filters.currency)
    return and_(*conditions)


def totals(session: Session, where) -> list[CurrencyTotals]:
    """Earned (net of adjustments and reversals), owed and paid per currency: one grouped query."""
    rows = session.execute(
        select(
            Commission.currency,
            func.sum(Commission.amount),
            func.sum(case((Commission.status == "owed", Commission.amount), else_=0)),
            func.sum(case((Commission.status == "paid", Commission.amount), else_=0)),
            func.count(Commission.id),
        )
        .where(where)
        .group_by(Commission.currency)
        .order_by(Commission.currency)
    ).all()
    return [CurrencyTotals(c, as_money(e), as_money(o), as_money(p), n) for c, e, o, p, n in rows]


def _ledger_rows(where):
    referred = Partner.__table__.alias("referred")
    return (
        select(
            Commission,
            Partner.name.label("referrer_name"),
            Deal.title.label("deal_title"),
            Deal.partner_id.label("referred_id"),
            referred.c.name.label("referred_name"),
        )
        .join(Partner, Partner.id == Commission.referrer_id)
        .join(Deal, Deal.id == Commission.deal_id)
        .join(referred, referred.c.id == Deal.partner_id)
        .where(where)
        .order_by(Commission.earned_on.desc(), Commission.id.desc())
    )


def ledger(session: Session, workspace_id: int, filters: LedgerFilters, per_page: int = 25):
    """A page of entries with names, and the per-currency totals with the entry count: two queries."""
    where = ledger_where(workspace_id, filters)
    if filters.referrer_id is None and _month_aligned(filters):
        sums = _summary_totals(session, workspace_id, filters)  # a few rows, whatever the ledger's size
    else:
        sums = totals(session, where)  # also counts the entries: no separate count query
    page = max(1, filters.page)
    rows = session.execute(_ledger_rows(where).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=rows, total=sum(t.entries for t in sums), page=page, per_page=per_page), sums


def ledger_export_rows(session: Session, workspace_id: int, filters: LedgerFilters):
    """Every entry matching the filters, streamed in chunks for the CSV export."""
    where = ledger_where(workspace_id, filters)
    return session.execute(_ledger_rows(where).execution_options(yield_per=1000))


def _summary_totals(session: Session, workspace_id: int, filters: LedgerFilters) -> list:
    conditions = [CommissionTotal.workspace_id == workspace_id]
    if filters.status in ("owed", "paid"):
        conditions.append(CommissionTotal.status == filters.status)
    if filters.currency:
        conditions.append(CommissionTotal.currency == filters.currency)
    if filters.period_from:
        conditions.append(CommissionTotal.month >= filters.period_from)
    if filters.period_to:
        conditions.append(CommissionTotal.month <= filters.period_to)
    rows = session.execute(
        select(
            CommissionTotal.currency,
            func.sum(CommissionTotal.amount),
            func.sum(case((CommissionTotal.status == "owed", CommissionTotal.amount), else_=0)),
            func.sum(case((CommissionTotal.status == "paid", CommissionTotal.amount), else_=0)),
            func.sum(CommissionTotal.entry_count),
        )
        .where(*conditions)
        .group_by(CommissionTotal.currency)
        .order_by(CommissionTotal.currency)
    ).all()
    return [CurrencyTotals(c, as_money(e), as_money(o), as_money(p), n) for c, e, o, p, n in rows if n]


def _month_aligned(filters: LedgerFilters) -> bool:
    """The running totals answer a period only when it is whole months."""
    start_ok = filters.period_from is None or filters.period_from.day == 1
    end_ok = filters.period_to is None or (filters.period_to + timedelta(days=1)).day == 1
    return start_ok and end_ok


# --- paying -------------------------------------------------------------------------------------


def mark_paid(
    session: Session, workspace_id: int, entry_ids, paid_on: date | None, reference: str | None, actor_id: int | None
) -> int:
    """Mark owed entries as paid (no minimum payout). Returns how many were marked."""
    ids = {int(i) for i in entry_ids}
    if not ids:
        raise ServiceError("Choose at least one owed commission to mark as paid.", field="ids")
    if paid_on is None:
        raise ServiceError("Give the date it was paid.", field="paid_on")
    reference = (reference or "").strip() or None
    entries = session.scalars(
        locked(select(Commission).where(Commission.workspace_id == workspace_id, Commission.id.in_(ids)))
    ).all()
    if len(entries) != len(ids):
        raise ServiceError("Some of the chosen commissions no longer exist. Reload the page.", field="ids")
    already = [e for e in entries if e.status != "owed"]
    if already:
        raise ServiceError("Some of the chosen commissions are already paid. Reload the page.", field="ids")
    for entry in entries:
        entry.status, entry.paid_on, entry.payment_reference, entry.paid_by_id = "paid", paid_on, reference, actor_id
    session.flush()
    return len(entries)


def deal_entries(session: Session, deal_id: int) -> list:
    """A deal's ledger entries, oldest first, each with its referrer's name (the deal page)."""
    return session.execute(
        select(Commission, Partner.name.label("referrer_name"))
        .join(Partner, Partner.id == Commission.referrer_id)
        .where(Commission.deal_id == deal_id)
        .order_by(Commission.created_at, Commission.id)
    ).all()
