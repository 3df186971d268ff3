"""Won revenue along the referral trees, kept by app/summaries/referral_revenue.py in the same flush
as every change of a deal or of a referrer, so the referral pages and the Referral economics report
read a few indexed rows instead of every won deal of a branch.

* `ReferralRevenueMonth`: won deals' count and amount per generation, month won and currency;
* `ReferralGenerationSize`: how many partners each generation has (generation 0: nobody referred them);
* `BranchRevenue`: per partner and currency, its own won revenue, the revenue of the partners below
  it (whom it referred, directly or not) and the sum of both (its branch). `tree_root` marks the
  roots of real branches (no referrer, at least one referral), so the top branches are an index walk.

Readers SUM where a key could have two rows; the upserts keep one row per key.
`flask summaries rebuild --only referral_revenue` rebuilds all three from deals and edges.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import WorkspaceScoped


class ReferralRevenueMonth(WorkspaceScoped, db.Model):
    __tablename__ = "referral_revenue_month"
    __table_args__ = (
        Index("ux_referral_revenue_month_key", "workspace_id", "generation", "month", "currency", unique=True),
        Index("ix_referral_revenue_month_ws_month", "workspace_id", "month"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    month: Mapped[date] = mapped_column(Date)  # first day of the month won (UNDATED when a deal has no close day)
    currency: Mapped[str] = mapped_column(String(3))
    deal_count: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))


class ReferralGenerationSize(WorkspaceScoped, db.Model):
    __tablename__ = "referral_generation_size"
    __table_args__ = (Index("ux_referral_generation_size_key", "workspace_id", "generation", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    partner_count: Mapped[int] = mapped_column(Integer, default=0)


class BranchRevenue(WorkspaceScoped, db.Model):
    __tablename__ = "branch_revenue"
    __table_args__ = (
        # referrers by the revenue their referrals brought, per currency
        Index("ix_branch_revenue_ws_referred", "workspace_id", "currency", "referred_amount", "partner_id"),
        # the biggest branches, per currency
        Index("ix_branch_revenue_ws_roots", "workspace_id", "currency", "tree_root", "branch_amount", "partner_id"),
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    own_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    referred_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    branch_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    tree_root: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
