"""Agreed terms per partner. Every change is a new TermsVersion; old versions are never edited.

Terms is the partner's current state (one row per partner): its `version` is the optimistic lock
and it repeats the current version's commission rate and review date, so that lists and the
commission rules read them without scanning the history.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, WorkspaceScoped, utcnow
from app.models.partner import Contact, Partner
from app.models.workspace import User


class Terms(WorkspaceScoped, db.Model):
    __table_args__ = (Index("ix_terms_ws_review", "workspace_id", "review_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    commission_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    review_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()


class TermsVersion(WorkspaceScoped, db.Model):
    __table_args__ = (UniqueConstraint("partner_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    commission_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # percent, e.g. 10.00
    payment_terms_days: Mapped[int | None] = mapped_column(Integer)
    response_time_days: Mapped[int | None] = mapped_column(Integer)
    cadence_days: Mapped[int | None] = mapped_column(Integer)
    review_on: Mapped[date | None] = mapped_column(Date)
    # indexed: deleting a contact looks its agreements up (without it, each delete reads the table)
    agreed_by_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    agreed_on: Mapped[date | None] = mapped_column(Date)
    clauses: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreed_by: Mapped[Contact | None] = relationship()
    changed_by: Mapped[User | None] = relationship()
