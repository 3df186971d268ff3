"""A user's mailbox in a workspace: connect it (the server is tried before anything is saved),
choose its folders, disconnect it; and the failing accounts the daily digest tells of."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.messages import N_
from app.models.mail_account import SECURITIES, SECURITY_PLAIN, MailAccount
from app.services import Gone, ServiceError
from app.services.mail_sync import crypto
from app.services.mail_sync.imap import Connection, Server, connect, is_loopback
from app.services.mail_sync.sync import folders_of

PLAIN_REFUSED = N_("Plain connections (no TLS) are only allowed to a server on this machine: choose SSL or STARTTLS.")
NO_PASSWORD = N_("Enter the app password of the mailbox.")
UNKNOWN_FOLDER = N_("Choose one of the server's folders.")


@dataclass(frozen=True)
class AccountSettings:
    host: str
    port: int
    security: str
    username: str
    password: str  # "" on an update: keep the stored one

    def __repr__(self) -> str:
        return f"AccountSettings({self.host!r}, {self.port}, {self.security!r}, {self.username!r})"


def account_of(session: Session, workspace_id: int, user_id: int) -> MailAccount | None:
    """The user's own account in this workspace (a teammate's is never reachable)."""
    return session.scalars(
        select(MailAccount).where(MailAccount.workspace_id == workspace_id, MailAccount.user_id == user_id)
    ).one_or_none()


def _guess(names: list[tuple[str, set[str]]], flag: str, words: tuple[str, ...]) -> str | None:
    for name, flags in names:
        if flag in flags:
            return name
    for name, _ in names:
        if name.lower().rsplit("/", 1)[-1].rsplit(".", 1)[-1] in words:
            return name
    return None


def connect_account(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    settings: AccountSettings,
    key: str,
    timeout: float,
    now: datetime,
    allow_plain: bool = False,
    opener: Callable[..., Connection] = connect,
) -> MailAccount:
    """Try the server with these settings (log in, list the folders), then save the account; a
    MailError (its kind names the field) or ServiceError when it cannot be used. The caller commits."""
    if settings.security not in SECURITIES:
        raise ServiceError("Choose SSL, STARTTLS or plain.", field="security")
    if settings.security == SECURITY_PLAIN and not (allow_plain or is_loopback(settings.host)):
        raise ServiceError(PLAIN_REFUSED, field="security")
    account = account_of(session, workspace_id, user_id)
    password = settings.password
    if not password:
        if account is None:
            raise ServiceError(NO_PASSWORD, field="password")
        try:
            password = crypto.decrypt(key, account.password_encrypted)
        except crypto.UnreadablePassword:
            raise ServiceError(NO_PASSWORD, field="password") from None
    server = Server(settings.host.strip(), settings.port, settings.security, settings.username.strip(), password)
    with opener(server, timeout=timeout) as connection:
        folders = connection.folders()
    names = [name for name, _ in folders]
    if account is None:
        account = MailAccount(workspace_id=workspace_id, user_id=user_id, keep_body=False, created_at=now)
        session.add(account)
    moved = (account.host, account.username) != (server.host, server.username)
    account.host, account.port, account.security = server.host, server.port, server.security
    account.username = server.username
    account.password_encrypted = crypto.encrypt(key, password)
    account.folders = json.dumps(names)
    if moved or account.inbox_folder not in names:
        account.inbox_folder = _guess(folders, "\\inbox", ("inbox",)) or ("INBOX" if "INBOX" in names else None)
    if moved or (account.sent_folder and account.sent_folder not in names):
        account.sent_folder = _guess(folders, "\\sent", ("sent", "sent items", "sent messages", "sent mail"))
    account.last_error_kind = account.last_error = account.last_error_at = None
    account.updated_at = now
    session.flush()
    return account


def choose_folders(
    session: Session, account: MailAccount, *, inbox: str, sent: str | None, keep_body: bool, now: datetime
) -> None:
    """The folders to sync (from the server's list) and whether the message text is kept."""
    names = folders_of(account)
    if inbox not in names:
        raise ServiceError(UNKNOWN_FOLDER, field="inbox_folder")
    if sent and sent not in names:
        raise ServiceError(UNKNOWN_FOLDER, field="sent_folder")
    account.inbox_folder, account.sent_folder = inbox, sent or None
    account.keep_body = bool(keep_body)
    account.updated_at = now
    session.flush()


def disconnect(session: Session, account: MailAccount) -> None:
    """Forget the account, its password and how far its sync got (what it logged stays logged)."""
    if session.get(MailAccount, account.id) is None:
        raise Gone()
    session.delete(account)
    session.flush()


def failing_accounts(session: Session, *, user_ids: Iterable[int] | None = None) -> dict[tuple[int, int], list]:
    """{(user id, workspace id): [account, …]} of the accounts whose last sync failed: one query."""
    stmt = select(MailAccount).where(MailAccount.last_error_kind.is_not(None)).order_by(MailAccount.id)
    if user_ids is not None:
        stmt = stmt.where(MailAccount.user_id.in_(list(user_ids)))
    found: dict[tuple[int, int], list] = {}
    for account in session.scalars(stmt):
        found.setdefault((account.user_id, account.workspace_id), []).append(account)
    return found
