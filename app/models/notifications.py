"""Where reminders reach people outside the app: private calendar feeds and the email digest."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

DIGEST_DAILY = "daily"
DIGEST_WEEKLY = "weekly"  # sent on Mondays, in the user's time zone
DIGEST_OFF = "off"
DIGEST_FREQUENCIES = (DIGEST_DAILY, DIGEST_WEEKLY, DIGEST_OFF)


class CalendarFeed(db.Model):
    """A user's private iCalendar URL. Only the token's hash is stored; a revoked feed answers 404.

    A user has at most one live feed: creating a new one revokes the old one.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DigestPreference(db.Model):
    """How often a user gets the reminder digest. No row means the default, daily."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(8), default=DIGEST_DAILY)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DigestLog(db.Model):
    """One row per digest actually sent (user, workspace, the user's local date): makes the
    digest command idempotent. Written only after the mail server accepted the message."""

    __table_args__ = (UniqueConstraint("user_id", "workspace_id", "sent_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminder_count: Mapped[int] = mapped_column(Integer, default=0)
    partner_count: Mapped[int] = mapped_column(Integer, default=0)
