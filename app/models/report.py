"""The reports' derived data: what each partner contributes to the Sources and Tiers reports, and
the buckets those contributions add up to (kept by app/summaries/partner_outcomes.py); and the
record of the source-drift data fix (migration 0014), so its downgrade restores exactly those rows.

Every measure a report shows is a SUM over bucket rows, so a page reads a bounded number of rows
whatever the number of partners:

    gained          partners added (the day they were added is the bucket's day)
    active          ... that are active now or have won a deal
    won_partners    ... that have won a deal (with a close date)
    days_to_won     their days from the first touch (or the day added, if earlier) to the first won deal
    assessed        their deals with both sides' value assessed
    to_us, to_partner  the sum of those values (the win-win balance is their average)
    win_win         their assessed deals in the win-win quadrant (app/services/deals/assessment.py)
    retained        partners touched, or with a deal won, 365 days or more after they were added
    referrals       partners they referred
    won_deals, won_amount  their won deals and revenue, in the row's currency

A row's currency is "" for everything but money; money rows (one per currency) carry only
won_deals and won_amount, so currencies never mix. Owner 0 is "nobody".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

MEASURES = (
    "gained",
    "active",
    "won_partners",
    "days_to_won",
    "assessed",
    "to_us",
    "to_partner",
    "win_win",
    "retained",
    "referrals",
    "won_deals",
    "won_amount",
)

OUTCOME_BUCKET_KEY = ("workspace_id", "grain", "day", "source", "tier", "owner_id", "currency")


class _Measures:
    gained: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[int] = mapped_column(Integer, default=0)
    won_partners: Mapped[int] = mapped_column(Integer, default=0)
    days_to_won: Mapped[int] = mapped_column(Integer, default=0)
    assessed: Mapped[int] = mapped_column(Integer, default=0)
    to_us: Mapped[int] = mapped_column(Integer, default=0)
    to_partner: Mapped[int] = mapped_column(Integer, default=0)
    win_win: Mapped[int] = mapped_column(Integer, default=0)
    retained: Mapped[int] = mapped_column(Integer, default=0)
    referrals: Mapped[int] = mapped_column(Integer, default=0)
    won_deals: Mapped[int] = mapped_column(Integer, default=0)
    won_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))


class PartnerOutcome(_Measures, db.Model):
    """One partner's contribution (one row per currency, "" for the counts): its dimensions as they
    were last added to the buckets, so a change knows which bucket to take them out of. No foreign
    key to the partner: when it is deleted, the summary takes its row out of the buckets itself."""

    __tablename__ = "partner_outcome"
    __table_args__ = (Index("ix_partner_outcome_ws", "workspace_id", "partner_id"),)
    partner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    gained_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(1))
    owner_id: Mapped[int] = mapped_column(Integer, default=0)


class OutcomeBucket(_Measures, db.Model):
    """The sums of the contributions per (grain, day, source, tier, owner, currency). Grain "m" rows
    hold whole months (day = the 1st), grain "d" rows single days: a period reads its whole months
    from "m" rows and the days of its partial months from "d" rows. One row per key (an upsert adds)."""

    __tablename__ = "outcome_bucket"
    __table_args__ = (
        UniqueConstraint(*OUTCOME_BUCKET_KEY),
        # the key and every measure: a report's sums are read from the index alone (no table row fetched)
        Index("ix_outcome_bucket_sums", *OUTCOME_BUCKET_KEY, *MEASURES),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    grain: Mapped[str] = mapped_column(String(1))
    day: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(1))
    # no foreign key: the buckets keep counting a removed user's partners until they are reassigned
    owner_id: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="")


class SourceFix(db.Model):
    """A partner whose source the source-drift fix (migration 0014) changed, and the value it had."""

    __tablename__ = "source_fix"
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    old_source: Mapped[str] = mapped_column(String(16))


class BookBucket(db.Model):
    """The partners the neglect rules apply to, counted per (grain, due day, owner, tier, source,
    effective cadence), kept by app/summaries/book_buckets.py from the activity rows. Grain "m"
    rows count by the month the partner is due (day = the 1st), grain "d" rows by the day: how many
    partners a team keeps, against which cadences, and how many are not yet neglected (due later
    than now) are sums over a bounded number of rows, plus the partners due today (Tiers, Account
    managers). Due days are UTC days of the activity row's due moment."""

    __tablename__ = "book_bucket"
    __table_args__ = (UniqueConstraint("workspace_id", "grain", "day", "owner_id", "tier", "source", "cadence_days"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    grain: Mapped[str] = mapped_column(String(1))
    day: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int] = mapped_column(Integer, default=0)  # 0: nobody; no foreign key, as the outcome buckets
    tier: Mapped[str] = mapped_column(String(1))
    source: Mapped[str] = mapped_column(String(16))
    cadence_days: Mapped[int] = mapped_column(Integer)
    partners: Mapped[int] = mapped_column(Integer, default=0)
