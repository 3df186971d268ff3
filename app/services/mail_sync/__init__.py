"""Mailbox sync over IMAP (Flask-free): a user connects their mailbox in Settings → Mail, and
`flask mail sync` (cron or the worker) logs the new messages of its inbox and sent folders through
app.services.mail_log.record_messages.

- accounts: connect (the connection is tried first), choose folders, disconnect; the password is
  encrypted at rest (crypto.py) and never handed back.
- imap.py: the IMAP client (timeouts, BODY.PEEK, every failure a MailError of one kind).
- sync.py: the incremental sync by UID with UIDVALIDITY handled, in batches.
"""

from __future__ import annotations

from app.services.mail_sync.accounts import (
    AccountSettings,
    account_of,
    choose_folders,
    connect_account,
    disconnect,
    failing_accounts,
)
from app.services.mail_sync.crypto import KeyMissing, derived_key, is_valid_key, key_from_config
from app.services.mail_sync.imap import ERROR_KINDS, MailError, Server, folder_label, is_loopback
from app.services.mail_sync.sync import AccountResult, SyncRun, folders_of, sync_account, sync_accounts

__all__ = [
    "ERROR_KINDS",
    "KeyMissing",
    "AccountResult",
    "AccountSettings",
    "MailError",
    "Server",
    "SyncRun",
    "account_of",
    "choose_folders",
    "connect_account",
    "derived_key",
    "disconnect",
    "failing_accounts",
    "folder_label",
    "folders_of",
    "is_loopback",
    "is_valid_key",
    "key_from_config",
    "sync_account",
    "sync_accounts",
]
