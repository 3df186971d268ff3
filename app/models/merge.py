"""Merges of duplicates (two partners, or two contacts of one partner) and the pairs the user said
are not duplicates.

A merge keeps what it needs to be undone: `before` holds the column values (app/services/row_values.py)
of every row it touched, as they were, and `after` the same rows right after the merge, so an undo can
tell whether anything it would put back was changed since (app/services/merging/undo.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, WorkspaceScoped
from app.models.partner import Contact, Partner
from app.models.workspace import User


class PartnerMerge(WorkspaceScoped, db.Model):
    __tablename__ = "partner_merge"
    __table_args__ = (Index("ix_partner_merge_merged", "merged_id", "merged_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # {table: {row id: column values}} of every touched row, before and right after the merge
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    # {table: [ids]} of rows the merge created (commissions of a late attribution), and what moved:
    # {"contact": 3, "deal": 1, ..., "notes": ["…"]} for the pages
    created: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)

    survivor: Mapped[Partner] = relationship(foreign_keys=[survivor_id])
    merged: Mapped[Partner] = relationship(foreign_keys=[merged_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class ContactMerge(WorkspaceScoped, db.Model):
    __tablename__ = "contact_merge"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    merged_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)

    survivor: Mapped[Contact] = relationship(foreign_keys=[survivor_id])
    merged: Mapped[Contact] = relationship(foreign_keys=[merged_id])


class DuplicateDismissal(WorkspaceScoped, db.Model):
    """Two partners the user marked "Not duplicates": the pair is not suggested again. The pair is
    stored once, the lower id first."""

    __tablename__ = "duplicate_dismissal"
    __table_args__ = (UniqueConstraint("workspace_id", "low_id", "high_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    high_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime)
