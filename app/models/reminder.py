"""Reminder: a follow-up someone in the workspace should do, optionally about a partner."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, WorkspaceScoped
from app.models.partner import Partner
from app.models.workspace import User


class Reminder(WorkspaceScoped, Timestamps, db.Model):
    __table_args__ = (
        # Each ends with id, the lists' tie-breaker, as SQLite's indexes do anyway: PostgreSQL then pages
        # and counts from the index alone (see app/services/reminders.py, open_reminders_order).
        Index("ix_reminder_ws_open_due", "workspace_id", "completed_at", "due_on", "id"),
        # "my open reminders due by today": the navigation badge; both also give the reminders page its
        # order (due_on, due_time with all-day first, id) without a sort
        Index(
            "ix_reminder_ws_assignee_open_due",
            "workspace_id",
            "assignee_id",
            "completed_at",
            "due_on",
            "due_time",
            "id",
        ),
        Index("ix_reminder_ws_open_due_time", "workspace_id", "completed_at", "due_on", "due_time", "id"),
        # a user's open reminders across their workspaces, by date: the calendar feed
        Index("ix_reminder_assignee_open_due", "assignee_id", "completed_at", "due_on", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    due_time: Mapped[time | None] = mapped_column(Time)  # in the assignee's timezone
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snooze_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    partner: Mapped[Partner | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
