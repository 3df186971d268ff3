"""Referral genealogy: the details of a referral and the history of changes to a partner's referrer.

The referrer itself is `Partner.referred_by_id` (the edge of the tree). `Referral` is a 1:1 companion
row of a partner that takes part in the genealogy (has a referrer or has referred someone). Besides the
details the user records (which of the referrer's contacts made the introduction, when, a note) it
keeps the partner's place in its tree, so that forests, reports and big trees read a few indexed rows
instead of walking the whole genealogy on every page:

    root_id        the root of the partner's branch (itself when it has no referrer)
    generation     0 for a root, 1 for the partners a root referred, …
    direct_count   how many partners it referred directly
    subtree_size   partners in its branch, itself included
    subtree_depth  generations below it (0 when it referred nobody)

the `referral_stats` summary (app/summaries/referral_stats.py) keeps these right in the same flush as
every change of a referrer; `flask summaries rebuild --only referral_stats` rebuilds them from
`referred_by_id` alone and `flask summaries check --only referral_stats` compares without writing.
A partner without a row is a lone partner: root of itself, size 1, depth 0.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, WorkspaceScoped, utcnow


class Referral(WorkspaceScoped, db.Model):
    __table_args__ = (
        # a branch's members; with the referral date, a branch's last referral is one index seek (the
        # members' ids at the end, as SQLite's indexes have them anyway: PostgreSQL joins from it alone)
        Index("ix_referral_ws_root", "workspace_id", "root_id", "referred_on", "partner_id"),
        # the forest (roots by size, then depth) and its count read only the roots (a partial index: both
        # engines use it for a query that says `root_id = partner_id`)
        Index(
            "ix_referral_ws_roots",
            "workspace_id",
            "subtree_size",
            "subtree_depth",
            sqlite_where=text("root_id = partner_id"),
            postgresql_where=text("root_id = partner_id"),
        ),
        # branches by size at any generation
        Index("ix_referral_ws_size", "workspace_id", "subtree_size", "subtree_depth", "root_id"),
        Index("ix_referral_ws_referred_on", "workspace_id", "referred_on", "root_id"),  # growing branches
        Index("ix_referral_ws_direct", "workspace_id", "direct_count"),
        Index("ix_referral_ws_generation", "workspace_id", "generation"),
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    # Which of the referrer's contacts made the introduction (optional)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    referred_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    # The partner's place in its tree (kept by the referral_stats summary; rebuilt by
    # `flask summaries rebuild --only referral_stats`).
    # root_id has no foreign key on purpose: when a root is deleted the service re-roots its branch.
    root_id: Mapped[int] = mapped_column(Integer)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    direct_count: Mapped[int] = mapped_column(Integer, default=0)
    subtree_size: Mapped[int] = mapped_column(Integer, default=1)
    subtree_depth: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReferralChange(WorkspaceScoped, db.Model):
    """One change of a partner's referrer: who changed it, from whom to whom, when.

    Names are copied so the history stays readable after a partner is deleted."""

    __table_args__ = (Index("ix_referral_change_partner_at", "partner_id", "changed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    from_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    from_name: Mapped[str | None] = mapped_column(String(200))
    to_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    to_name: Mapped[str | None] = mapped_column(String(200))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
