"""What the webhooks' periodic scan remembers, so a time-based event is sent once.

* `WebhookFlagState`: one row per partner and flag while the flag holds (an *episode*), with the
  moment the episode counts from (`anchor_s`: for Neglected the last touch, or when the partner was
  added; for Waiting on us their last touch). The row goes when the flag no longer holds; a flag
  that holds again, or holds from another anchor (it cleared and came back between two scans), is a
  new episode and raises `flag.raised` again.
* `WebhookReminderState`: the due date `reminder.due` was last sent for, per reminder: a snoozed
  reminder is due again on its new date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, WorkspaceScoped


class WebhookFlagState(WorkspaceScoped, db.Model):
    __tablename__ = "webhook_flag_state"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    flag: Mapped[str] = mapped_column(String(24), primary_key=True)
    anchor_s: Mapped[int] = mapped_column(BigInteger)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookReminderState(WorkspaceScoped, db.Model):
    __tablename__ = "webhook_reminder_state"

    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id", ondelete="CASCADE"), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
