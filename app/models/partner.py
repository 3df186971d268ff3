"""Partner (a client or referrer) and its Contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, WorkspaceScoped
from app.models.workspace import User

KINDS = ("company", "person")
STATUSES = ("prospect", "active", "dormant", "ended", "referrer")
TIERS = ("A", "B", "C")
SOURCES = ("referral", "content", "direct", "event", "other")


class Partner(WorkspaceScoped, Timestamps, db.Model):
    __table_args__ = (
        Index("ix_partner_ws_updated", "workspace_id", "updated_at"),
        # The partners list: each sortable column after (workspace, archived) so a page is read
        # straight from an index, then id, which breaks ties (SQLite's indexes end with the row id
        # anyway; PostgreSQL's do not, and would sort every row of a tied value, e.g. all active ones).
        Index("ix_partner_ws_archived_name", "workspace_id", "archived_at", "name_key", "id"),
        Index("ix_partner_ws_archived_updated", "workspace_id", "archived_at", "updated_at", "id"),
        Index("ix_partner_ws_archived_created", "workspace_id", "archived_at", "created_at", "id"),
        Index("ix_partner_ws_archived_status", "workspace_id", "archived_at", "status", "id"),
        Index("ix_partner_ws_archived_tier", "workspace_id", "archived_at", "tier", "id"),
        Index("ix_partner_ws_archived_source", "workspace_id", "archived_at", "source", "id"),
        Index("ix_partner_ws_archived_owner", "workspace_id", "archived_at", "owner_id", "id"),
        Index("ix_partner_ws_archived_contacts", "workspace_id", "archived_at", "contact_count", "id"),
        # Counting the matches of any combination of list filters without reading the table
        Index("ix_partner_ws_filters", "workspace_id", "archived_at", "status", "tier", "source", "owner_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # lower-cased name, for sorting and search
    kind: Mapped[str] = mapped_column(String(16), default="company")
    status: Mapped[str] = mapped_column(String(16), default="prospect")
    tier: Mapped[str] = mapped_column(String(1), default="B")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="direct")
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    no_prospects: Mapped[bool] = mapped_column(Boolean, default=False)
    no_prospects_reason: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when this partner was merged into another (it is archived then); undoing the merge clears it
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    # Who recommended this partner (the referral genealogy builds on it)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    # Current (not removed) contacts, kept by app/summaries/contact_counts.py, so the list can show
    # and sort by it without counting contacts for every partner.
    contact_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Agreed-terms overrides, kept in step with the partner's current Terms version by the terms
    # service; None means "use the workspace default" (tier cadence / response time).
    cadence_days: Mapped[int | None] = mapped_column()
    response_time_days: Mapped[int | None] = mapped_column()

    # Joined: the partner header shows the owner on every partner page, at no extra query.
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    merged_into: Mapped[Partner | None] = relationship(foreign_keys=[merged_into_id], remote_side="Partner.id")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="(Contact.is_primary.desc(), Contact.name)"
    )

    @validates("name")
    def _keep_name_key(self, key, value):
        self.name_key = (value or "").strip().lower()
        return value


class Contact(WorkspaceScoped, Timestamps, db.Model):
    __table_args__ = (
        # Partner search matches contact names and emails: one pass over this covering index.
        Index("ix_contact_ws_search", "workspace_id", "removed_at", "partner_id", "name", "email"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: a change knows the value it replaces even when that was never loaded, so the
    # contact count (app/summaries/contact_counts.py) moves by the right difference
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True, active_history=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # Removing a contact only marks it; "undo" clears the mark. A purge may drop old ones later.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, active_history=True)

    partner: Mapped[Partner] = relationship(back_populates="contacts")
