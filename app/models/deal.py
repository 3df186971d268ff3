"""Deal: a sale to a partner, with the win-win assessment (what it is worth to each side)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, WorkspaceScoped
from app.models.partner import Partner
from app.models.workspace import User

STAGES = ("lead", "proposal", "negotiation", "won", "lost")
CLOSED_STAGES = ("won", "lost")
# The win-win scale, for each side: -2 a clear loss, -1 a loss, 0 break-even / a compromise,
# +1 a gain, +2 a clear gain.
VALUE_SCALE = (-2, -1, 0, 1, 2)


class Deal(WorkspaceScoped, Timestamps, db.Model):
    __table_args__ = (
        # Pipeline columns and totals: covering index for the per-stage, per-currency sums.
        Index("ix_deal_ws_stage_closed", "workspace_id", "stage", "closed_on", "currency", "amount"),
        # sorted deals list: an index per sortable column keeps a page a short index walk; each ends with
        # id, the tie-breaker (SQLite's indexes end with the row id anyway, PostgreSQL's do not)
        Index("ix_deal_ws_stage_updated", "workspace_id", "stage", "updated_at", "id"),
        Index("ix_deal_ws_updated", "workspace_id", "updated_at", "id"),
        Index("ix_deal_ws_amount", "workspace_id", "amount", "id"),
        Index("ix_deal_ws_expected", "workspace_id", "expected_close_on", "id"),
        Index("ix_deal_ws_closed", "workspace_id", "closed_on", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3))
    stage: Mapped[str] = mapped_column(String(16), default="lead")
    expected_close_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    value_to_us: Mapped[int | None] = mapped_column(SmallInteger)
    value_to_us_note: Mapped[str | None] = mapped_column(String(300))
    value_to_partner: Mapped[int | None] = mapped_column(SmallInteger)
    value_to_partner_note: Mapped[str | None] = mapped_column(String(300))

    partner: Mapped[Partner] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])


class DealTotal(WorkspaceScoped, db.Model):
    """Running totals of deals per owner, stage, currency and month closed (NULL while open), kept
    by app/summaries/deal_totals.py in the same flush as every change, so the pipeline and the deals
    list show totals without reading every deal. Readers always SUM over matching rows (two rows
    with the same key, from concurrent first inserts, still add up right). `flask summaries rebuild`
    rebuilds the table from the deals."""

    __tablename__ = "deal_total"
    __table_args__ = (Index("ix_deal_total_ws_stage_month", "workspace_id", "stage", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    month: Mapped[date | None] = mapped_column(Date)  # first day of the month it closed; NULL while open
    deal_count: Mapped[int] = mapped_column(default=0)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
