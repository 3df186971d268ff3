"""Email that logs itself (app/services/mail_log/): which messages became interactions, the threads
marked "not a touch", the workspace's ignore list and the "new contact?" suggestions.

A message is known by a key derived from its Message-ID (app/services/mail_log/parsing.py), so the
same email imported twice, synced after an import, or received by two teammates is logged once per
partner: the unique key is the workspace, the message key and the partner.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, WorkspaceScoped
from app.models.interaction import Interaction


class EmailMessage(WorkspaceScoped, db.Model):
    """One logged message on one partner: the email interaction it became, its thread, and its
    text only when the user asked to keep it (else a short snippet)."""

    __tablename__ = "email_message"
    __table_args__ = (
        UniqueConstraint("workspace_id", "message_key", "partner_id", name="uq_email_message_key"),
        Index("ix_email_message_ws_thread", "workspace_id", "thread_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    message_key: Mapped[str] = mapped_column(String(64))  # sha256 of the normalised Message-ID
    thread_key: Mapped[str] = mapped_column(String(64))  # the key of the thread's first message
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), index=True, unique=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    snippet: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)  # only with "keep message text"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # `interaction.mail`: the partner timeline marks logged emails (joined there: no query per row)
    interaction: Mapped[Interaction | None] = relationship(backref=backref("mail", uselist=False, viewonly=True))


class EmailThreadMute(WorkspaceScoped, db.Model):
    """A thread marked "not a touch": its touches were removed and later messages of it are skipped."""

    __tablename__ = "email_thread_mute"
    __table_args__ = (UniqueConstraint("workspace_id", "thread_key", name="uq_email_thread_mute"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_key: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MailIgnoreRule(WorkspaceScoped, db.Model):
    """An address or pattern whose mail is never logged ("news@example.com", "@example.com",
    "*-noreply@*"); the defaults for no-reply and newsletter senders are in code."""

    __tablename__ = "mail_ignore_rule"
    __table_args__ = (UniqueConstraint("workspace_id", "pattern", name="uq_mail_ignore_rule"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MailSuggestion(WorkspaceScoped, db.Model):
    """An unknown address at a partner's website domain seen in mail: "new contact?". Never created
    on its own; added or dismissed by a user (a dismissed address is not offered again)."""

    __tablename__ = "mail_suggestion"
    __table_args__ = (UniqueConstraint("workspace_id", "email", name="uq_mail_suggestion_email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(200))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | added | dismissed
    messages: Mapped[int] = mapped_column(Integer, default=1)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    partner = relationship("Partner")
