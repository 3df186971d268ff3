"""Mailbox sync: a user's IMAP account in a workspace (its password encrypted with the configured
key, never shown again) and, per synced folder, how far the sync got (app/services/mail_sync)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps, UTCDateTime, WorkspaceScoped

SECURITY_SSL = "ssl"  # TLS from the first byte (port 993)
SECURITY_STARTTLS = "starttls"  # plain connect, then STARTTLS before logging in (port 143)
SECURITY_PLAIN = "plain"  # no TLS at all: only for a server on this machine
SECURITIES = (SECURITY_SSL, SECURITY_STARTTLS, SECURITY_PLAIN)


class MailAccount(WorkspaceScoped, Timestamps, db.Model):
    """One IMAP account of one user in one workspace; a teammate never sees it."""

    __tablename__ = "mail_account"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(10), default=SECURITY_SSL)
    username: Mapped[str] = mapped_column(String(255))
    password_encrypted: Mapped[str] = mapped_column(Text)  # a Fernet token (MAIL_SECRETS_KEY)
    # the server's folders as last listed (a JSON list of names), so the page never connects
    folders: Mapped[str] = mapped_column(Text, default="[]")
    inbox_folder: Mapped[str | None] = mapped_column(String(255))
    sent_folder: Mapped[str | None] = mapped_column(String(255))
    keep_body: Mapped[bool] = mapped_column(Boolean, default=False)
    # the last sync: when it ran, what it logged, and the error that stopped it (None: it went well)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen: Mapped[int] = mapped_column(Integer, default=0)
    last_logged: Mapped[int] = mapped_column(Integer, default=0)
    total_logged: Mapped[int] = mapped_column(Integer, default=0)
    last_error_kind: Mapped[str | None] = mapped_column(String(20))  # see mail_sync.imap.ERROR_KINDS
    last_error: Mapped[str | None] = mapped_column(String(500))  # the server's words, password never in it
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailFolderState(WorkspaceScoped, db.Model):
    """How far the sync of one folder got: the folder's UIDVALIDITY and the highest UID fetched."""

    __tablename__ = "mail_folder_state"
    __table_args__ = (UniqueConstraint("account_id", "folder"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("mail_account.id", ondelete="CASCADE"), index=True)
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger, default=0)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
