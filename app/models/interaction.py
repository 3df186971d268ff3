"""Interaction (a touch — call, meeting, email, message — or an internal note) and PartnerActivity,
the per-partner summary the neglect rules read.

PartnerActivity and TouchWeek are summaries, kept by app/summaries/ in the same transaction as every
change; `flask summaries rebuild` derives them again from the partners and interactions.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, WorkspaceScoped
from app.models.partner import Contact, Partner
from app.models.workspace import User

KINDS = ("call", "meeting", "email", "message", "note")
DIRECTIONS = ("ours", "theirs")


class Interaction(WorkspaceScoped, Timestamps, db.Model):
    __table_args__ = (
        # the partner timeline (newest first) and the per-partner summary rebuild
        Index("ix_interaction_partner_occurred", "partner_id", "occurred_at"),
        # the workspace activity feed and the touches-per-week trend
        Index("ix_interaction_ws_occurred", "workspace_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_interaction_ws_occurred (no separate index: half a million rows insert faster)
    workspace_id: Mapped[int] = mapped_column(Integer, ForeignKey("workspace.id", ondelete="CASCADE"))
    # active_history on what the summaries key on: a change knows the value it replaces (app/summaries/)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), active_history=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16), active_history=True)
    direction: Mapped[str | None] = mapped_column(String(8))  # ours | theirs; None for a note
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, active_history=True)
    summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), active_history=True)
    # Deleting only marks the row, so "undo" can bring it back.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, active_history=True)

    partner: Mapped[Partner] = relationship()
    contact: Mapped[Contact | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class PartnerActivity(db.Model):
    """One row per partner: what the neglect flags need, in columns, so that a whole workspace's
    flags are integer comparisons over one narrow table (no join, no date functions).

    Times the rules compare are whole seconds since the Unix epoch (UTC), so the flag SQL needs no
    date functions on any database. All "latest" orderings are by (occurred_at, id) descending.
    app/summaries/partner_activity.py derives the whole row (in every flush that changes the
    partner or its interactions); code that bulk-inserts or bulk-updates partners, contacts or
    interactions (bypassing the ORM's flush) rebuilds the workspace's summaries afterwards.
    """

    __tablename__ = "partner_activity"
    # Each flag's count and list is an index range (covering: no table lookups), so the dashboard
    # stays fast at tens of thousands of partners.
    __table_args__ = (
        Index(
            "ix_partner_activity_ws_due",
            "workspace_id",
            "eligible",
            "due_s",
            "soon_s",
            "burst",
            "last_touch_s",
            "created_s",
            "cadence_days",
            "contact_count",
            "thread_from_s",
            "thread_until_s",
            "owner_id",
            "partner_id",  # the key, as SQLite's indexes end with it anyway: PostgreSQL lists from it alone
        ),
        Index("ix_partner_activity_ws_waiting", "workspace_id", "eligible", "waiting_s", "owner_id"),
        # the Tiers report's cadence kept: eligible partners per tier, and those not yet due (covering)
        Index("ix_partner_activity_ws_tier_due", "workspace_id", "eligible", "tier", "due_s", "owner_id"),
        Index("ix_partner_activity_ws_chase", "workspace_id", "eligible", "chase_s", "owner_id"),
        Index("ix_partner_activity_ws_contacts", "workspace_id", "eligible", "contact_count", "owner_id"),
        Index(
            "ix_partner_activity_ws_thread",
            "workspace_id",
            "eligible",
            "thread_until_s",
            "thread_from_s",
            "contact_count",
            "owner_id",
        ),
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    # Copies of the partner's own columns the rules read:
    created_s: Mapped[int] = mapped_column(BigInteger)  # created_at: "never touched" counts from it
    eligible: Mapped[bool] = mapped_column(Boolean, default=True)  # not archived, not ended, not "no prospects"
    owner_id: Mapped[int | None] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(1), default="B")
    cadence_override: Mapped[int | None] = mapped_column(Integer)  # Partner.cadence_days (agreed terms)
    response_override: Mapped[int | None] = mapped_column(Integer)  # Partner.response_time_days
    contact_count: Mapped[int] = mapped_column(Integer, default=0)  # current (not removed) contacts
    touch_count: Mapped[int] = mapped_column(Integer, default=0)
    our_count: Mapped[int] = mapped_column(Integer, default=0)
    their_count: Mapped[int] = mapped_column(Integer, default=0)
    last_touch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_touch_s: Mapped[int | None] = mapped_column(BigInteger)
    last_touch_direction: Mapped[str | None] = mapped_column(String(8))
    third_touch_s: Mapped[int | None] = mapped_column(BigInteger)  # the third most recent touch
    last_our_s: Mapped[int | None] = mapped_column(BigInteger)
    last_their_s: Mapped[int | None] = mapped_column(BigInteger)
    # our touches after their last touch, and when the third most recent of ours happened
    ours_since_theirs: Mapped[int] = mapped_column(Integer, default=0)
    third_our_s: Mapped[int | None] = mapped_column(BigInteger)
    # the most recent touches all with one contact: that contact, how many, and when the touch
    # just before them happened (None when every touch was with that contact)
    run_contact_id: Mapped[int | None] = mapped_column(Integer)
    run_length: Mapped[int] = mapped_column(Integer, default=0)
    run_break_s: Mapped[int | None] = mapped_column(BigInteger)
    # Derived moments (epoch seconds) at which each rule starts to hold, from the columns above and
    # the workspace defaults: a flag is then one comparison with "now" (app/services/neglect/rules.py,
    # moments() and flags_at()).
    cadence_days: Mapped[int] = mapped_column(Integer, default=30)  # effective cadence
    response_days: Mapped[int] = mapped_column(Integer, default=2)  # effective response time
    due_s: Mapped[int] = mapped_column(BigInteger, default=0)  # neglected once now > due_s
    soon_s: Mapped[int] = mapped_column(BigInteger, default=0)  # due soon from soon_s up to due_s
    waiting_s: Mapped[int | None] = mapped_column(BigInteger)  # waiting on us once now > waiting_s
    chase_s: Mapped[int | None] = mapped_column(BigInteger)  # not answering us once now > chase_s
    burst: Mapped[bool] = mapped_column(Boolean, default=False)  # last three touches within 14 days
    thread_from_s: Mapped[int | None] = mapped_column(BigInteger)  # one-contact run: single-threaded
    thread_until_s: Mapped[int | None] = mapped_column(BigInteger)  # while thread_from_s < now <= until


class TouchWeek(db.Model):
    """Touches per week (Monday 00:00 UTC) and per author, for the dashboard's trend picture; kept
    by app/summaries/touch_weeks.py with every change (one row per key: an upsert adds to it)."""

    __tablename__ = "touch_week"
    __table_args__ = (UniqueConstraint("workspace_id", "week_start", "author_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    # the user who logged the touches; 0 for nobody. No foreign key: a summary keeps counting a
    # removed user's touches (the trend's total must not drop when someone leaves).
    author_id: Mapped[int] = mapped_column(Integer, default=0)
    touches: Mapped[int] = mapped_column(Integer, default=0)
