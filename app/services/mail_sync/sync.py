"""The sync itself: per account and folder, fetch the messages with a UID above the last one seen
(UIDVALIDITY stored; when the server changes it the folder starts over — de-duplication by
Message-ID in record_messages keeps that harmless), in batches, each batch recorded by
app.services.mail_log.record_messages and committed with the folder's new high-water mark. The
outcome, or the error that stopped it, is written on the account; one account's failure never stops
the others."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.mail_account import MailAccount, MailFolderState
from app.services import mail_log
from app.services.mail_sync import crypto
from app.services.mail_sync.imap import Connection, MailError, Server, connect

log = logging.getLogger(__name__)
BATCH_SIZE = 50


@dataclass
class AccountResult:
    account_id: int
    seen: int = 0
    logged: int = 0
    error_kind: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_kind is None


@dataclass
class SyncRun:
    results: list[AccountResult] = field(default_factory=list)

    @property
    def failed(self) -> list[AccountResult]:
        return [r for r in self.results if not r.ok]


def server_of(account: MailAccount, key: str) -> Server:
    try:
        password = crypto.decrypt(key, account.password_encrypted)
    except crypto.UnreadablePassword:
        raise MailError("key", "the stored password was encrypted under another MAIL_SECRETS_KEY") from None
    return Server(account.host, account.port, account.security, account.username, password)


def folders_of(account: MailAccount) -> list[str]:
    try:
        return [str(name) for name in json.loads(account.folders or "[]")]
    except ValueError:
        return []


def _state(session: Session, account: MailAccount, folder: str) -> MailFolderState:
    found = select(MailFolderState).where(MailFolderState.account_id == account.id, MailFolderState.folder == folder)
    state = session.scalars(found).one_or_none()
    if state is None:
        try:
            with session.begin_nested():
                state = MailFolderState(workspace_id=account.workspace_id, account_id=account.id, folder=folder)
                session.add(state)
        except IntegrityError:  # another sync of this account made it a moment ago
            state = session.scalars(found).one()
    return state


def _advance(session: Session, state: MailFolderState, *, validity: int, old_uid: int, new_uid: int) -> bool:
    """Move the folder's high-water mark from old_uid to new_uid, only if no other sync moved it
    meanwhile (a conditional UPDATE: it also locks the row until this batch commits)."""
    moved = session.execute(
        update(MailFolderState)
        .where(
            MailFolderState.id == state.id,
            MailFolderState.last_uid == old_uid,
            MailFolderState.uidvalidity == validity,
        )
        .values(last_uid=new_uid)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(moved)


def _sync_folder(session, account, connection: Connection, folder: str, result, *, now, commit, batch_size, progress):
    validity = connection.examine(folder)
    state = _state(session, account, folder)
    if state.uidvalidity != validity:
        # the server renumbered the folder: start over (its messages come again; de-dup by Message-ID)
        if state.uidvalidity:
            log.info("mail account %s: %s has a new UIDVALIDITY, syncing it again", account.id, folder)
        session.execute(
            update(MailFolderState)
            .where(MailFolderState.id == state.id)
            .values(uidvalidity=validity, last_uid=0)
            .execution_options(synchronize_session=False)
        )
        commit()
        session.refresh(state)
    last_uid = state.last_uid
    uids = connection.uids_after(last_uid)
    for start in range(0, len(uids), batch_size):
        batch = uids[start : start + batch_size]
        if not _advance(session, state, validity=validity, old_uid=last_uid, new_uid=batch[-1]):
            session.rollback()  # another sync of this folder is ahead of this one: leave it to that
            return
        fetched = connection.fetch(batch, whole=account.keep_body)
        outcome = mail_log.record_messages(
            session,
            workspace_id=account.workspace_id,
            user_id=account.user_id,
            messages=[mail_log.RawMessage(m.data, m.internal_date) for m in fetched],
            now=now,
            keep_body=account.keep_body,
            own_addresses=(account.username,),
            sent_by_us=folder == account.sent_folder,
        )
        result.seen += outcome.seen
        result.logged += outcome.logged
        account.last_seen, account.last_logged = result.seen, result.logged
        account.total_logged = (account.total_logged or 0) + outcome.logged
        commit()
        last_uid = batch[-1]
        if progress is not None:
            progress(result.seen)


def sync_account(
    session: Session,
    account: MailAccount,
    *,
    key: str,
    now: datetime,
    timeout: float,
    commit: Callable[[], None],
    batch_size: int = BATCH_SIZE,
    opener: Callable[..., Connection] = connect,
    progress: Callable[[int], None] | None = None,
) -> AccountResult:
    """Sync one account's chosen folders; what each batch logged is committed as it goes. An error
    is recorded on the account (and committed), never raised."""
    account_id = account.id
    result = AccountResult(account_id)
    account.last_seen = account.last_logged = 0
    folders = [f for f in dict.fromkeys((account.inbox_folder, account.sent_folder)) if f]
    try:
        server = server_of(account, key)
        with opener(server, timeout=timeout) as connection:
            for folder in folders:
                _sync_folder(
                    session,
                    account,
                    connection,
                    folder,
                    result,
                    now=now,
                    commit=commit,
                    batch_size=batch_size,
                    progress=progress,
                )
    except MailError as error:
        result.error_kind, result.error = error.kind, error.detail
        log.warning("mail account %s: sync failed (%s): %s", account_id, error.kind, error.detail)
    except Exception as error:
        log.exception("mail account %s: sync failed", account_id)
        result.error_kind, result.error = "internal", type(error).__name__
    if not result.ok:
        session.rollback()  # the batch under way, never half of it
    account = session.get(MailAccount, account_id)
    if account is None:  # disconnected meanwhile
        return result
    account.last_sync_at = now
    account.last_seen, account.last_logged = result.seen, result.logged
    account.last_error_kind, account.last_error = result.error_kind, result.error
    account.last_error_at = None if result.ok else now
    commit()
    return result


def sync_accounts(
    session: Session,
    *,
    key: str,
    now: datetime,
    timeout: float,
    commit: Callable[[], None],
    account_id: int | None = None,
    batch_size: int = BATCH_SIZE,
    opener: Callable[..., Connection] = connect,
) -> SyncRun:
    """Sync every account that has an inbox chosen (or the one `account_id`), one after another."""
    stmt = select(MailAccount.id).where(MailAccount.inbox_folder.is_not(None)).order_by(MailAccount.id)
    if account_id is not None:
        stmt = select(MailAccount.id).where(MailAccount.id == account_id)
    run = SyncRun()
    for ident in list(session.scalars(stmt)):
        account = session.get(MailAccount, ident)
        if account is None:
            continue
        run.results.append(
            sync_account(
                session, account, key=key, now=now, timeout=timeout, commit=commit, batch_size=batch_size, opener=opener
            )
        )
    return run
