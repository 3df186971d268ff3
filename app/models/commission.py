"""The referral commission ledger and the referrers' private statement links.

An entry is never rewritten once paid: later changes add adjustment or reversal entries. At most
one owed entry exists per (deal, referrer, currency) at a time; the commissions service keeps it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, WorkspaceScoped, utcnow
from app.models.deal import Deal
from app.models.partner import Partner
from app.models.workspace import User, Workspace

KINDS = ("earned", "adjustment", "reversal")
STATUSES = ("owed", "paid")


class Commission(WorkspaceScoped, db.Model):
    __table_args__ = (
        # the ledger's pages (newest first, ties by id: the id ends each index, as SQLite's row id does)
        Index("ix_commission_ws_status_earned", "workspace_id", "status", "earned_on", "id"),
        Index("ix_commission_ws_earned", "workspace_id", "earned_on", "id"),
        Index("ix_commission_referrer_earned", "referrer_id", "earned_on", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    terms_version_id: Mapped[int | None] = mapped_column(ForeignKey("terms_version.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16), default="earned")
    status: Mapped[str] = mapped_column(String(8), default="owed")
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # percent used
    base_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # the deal amount it was computed from
    earned_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str | None] = mapped_column(String(120))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    referrer: Mapped[Partner] = relationship(foreign_keys=[referrer_id])
    deal: Mapped[Deal] = relationship()


class StatementLink(WorkspaceScoped, db.Model):
    """A private, revocable link to a referrer's read-only statement. Only the token's hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()
    referrer: Mapped[Partner] = relationship(foreign_keys=[referrer_id])
    workspace: Mapped[Workspace] = relationship()


class CommissionTotal(WorkspaceScoped, db.Model):
    """Running totals of the ledger per currency, status and month earned, kept right in every flush
    by app/summaries/commission_totals.py (every entry added, changed or removed through the ORM
    moves them), so the Ledger page shows its totals and count without reading every entry.
    Readers SUM over matching rows. `flask summaries rebuild` rebuilds them."""

    __tablename__ = "commission_total"
    __table_args__ = (Index("ix_commission_total_ws_status_month", "workspace_id", "status", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(8))
    month: Mapped[date] = mapped_column(Date)  # first day of the month the entry was earned
    entry_count: Mapped[int] = mapped_column(default=0)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
