"""Report aggregates: HealthWeek (the health of a workspace's book per week) and OwnerMonth /
OwnerMoney (each account manager's touches, answer times and won deals per month).

Both are summaries (app/summaries/health_weeks.py, app/summaries/owner_months.py): the rows move
with every change, in the same flush. A HealthWeek row stays open while its week runs and is closed
(frozen, history) by `flask reports close-week` or its job; closed rows are never derived again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# Health score bands, by their lowest score: at risk 0–39, weak 40–59, fair 60–79, healthy 80–100
SCORE_BANDS = (0, 40, 60, 80)
BAND_COLUMNS = ("band_0", "band_1", "band_2", "band_3")
FLAG_COLUMNS = ("neglected", "due_soon", "waiting_on_us", "not_answering", "burst_then_silence", "single_threaded")
# Answer-time histogram buckets, by their upper bound in hours (the last one is open-ended)
ANSWER_BUCKET_HOURS = (4, 24, 48, 72, 168, 336, 720)
ANSWER_COLUMNS = tuple(f"answer_{n}" for n in range(len(ANSWER_BUCKET_HOURS) + 1))


class HealthWeek(db.Model):
    """The flag counts and health-score bands of a workspace's eligible partners at the end of a
    week (Monday 00:00 UTC after it): one row per workspace and week."""

    __tablename__ = "health_week"
    __table_args__ = (UniqueConstraint("workspace_id", "week_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    partners: Mapped[int] = mapped_column(Integer, default=0)
    band_0: Mapped[int] = mapped_column(Integer, default=0)
    band_1: Mapped[int] = mapped_column(Integer, default=0)
    band_2: Mapped[int] = mapped_column(Integer, default=0)
    band_3: Mapped[int] = mapped_column(Integer, default=0)
    neglected: Mapped[int] = mapped_column(Integer, default=0)
    due_soon: Mapped[int] = mapped_column(Integer, default=0)
    waiting_on_us: Mapped[int] = mapped_column(Integer, default=0)
    not_answering: Mapped[int] = mapped_column(Integer, default=0)
    burst_then_silence: Mapped[int] = mapped_column(Integer, default=0)
    single_threaded: Mapped[int] = mapped_column(Integer, default=0)


class OwnerMonth(db.Model):
    """Per workspace, owner (the partners' current owner; 0 for none) and month (its first day):
    touches with their partners, waiting-on-us episodes started (a touch from them after ours, or
    their first), how many we answered, and a histogram of the answer times."""

    __tablename__ = "owner_month"
    __table_args__ = (UniqueConstraint("workspace_id", "owner_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    # no foreign key: the row keeps counting when a user leaves (their partners move to owner 0)
    owner_id: Mapped[int] = mapped_column(Integer, default=0)
    month: Mapped[date] = mapped_column(Date)
    touches: Mapped[int] = mapped_column(Integer, default=0)
    episodes: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    answer_0: Mapped[int] = mapped_column(Integer, default=0)
    answer_1: Mapped[int] = mapped_column(Integer, default=0)
    answer_2: Mapped[int] = mapped_column(Integer, default=0)
    answer_3: Mapped[int] = mapped_column(Integer, default=0)
    answer_4: Mapped[int] = mapped_column(Integer, default=0)
    answer_5: Mapped[int] = mapped_column(Integer, default=0)
    answer_6: Mapped[int] = mapped_column(Integer, default=0)
    answer_7: Mapped[int] = mapped_column(Integer, default=0)


class OwnerMoney(db.Model):
    """Per workspace, owner, month won and currency: the won deals of the owner's partners, their
    amount, and how many of them are assessed and win-win."""

    __tablename__ = "owner_money"
    __table_args__ = (UniqueConstraint("workspace_id", "owner_id", "month", "currency"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(Integer, default=0)
    month: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    won_deals: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    assessed: Mapped[int] = mapped_column(Integer, default=0)
    winwin: Mapped[int] = mapped_column(Integer, default=0)
