"""Importing a mail export: an mbox (streamed, one message in memory at a time) or .eml files,
each message handed to `record_messages`. Progress is reported every hundred messages
(the job commits there, so a retry after a crash continues: what was logged is a duplicate)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.mail_account import MailAccount
from app.services import ServiceError
from app.services.mail_log.mbox import count_messages, read_eml, read_mbox
from app.services.mail_log.recording import record_messages
from app.services.mail_log.types import Outcome, RawMessage

FORMATS = ("mbox", "eml")
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]+$")
_SEPARATORS = re.compile(r"[,;\n]+")


def parse_addresses(text: str | None) -> list[str]:
    """The user's other addresses as typed (separated by commas, semicolons or lines), lower case;
    ServiceError (field "addresses") naming the first that is not an address."""
    found: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        address = part.strip().strip("<>").strip().lower()
        if not address:
            continue
        if not _ADDRESS.match(address):
            raise ServiceError("“%(address)s” is not an email address.", field="addresses", address=part.strip())
        found.append(address)
    return list(dict.fromkeys(found))


def own_addresses(session: Session, workspace_id: int, user_id: int, given: Iterable[str] = ()) -> list[str]:
    """The addresses an export's owner writes from besides the login: those given, and the
    mailboxes they connected in this workspace (Settings → Mail)."""
    usernames = session.scalars(
        select(MailAccount.username).where(MailAccount.workspace_id == workspace_id, MailAccount.user_id == user_id)
    )
    return list(dict.fromkeys([*given, *(name.strip().lower() for name in usernames if "@" in (name or ""))]))


def count(paths: list[Path], file_format: str) -> int:
    """How many messages the files hold (a streaming pass over an mbox; one per .eml file)."""
    if file_format == "eml":
        return len(paths)
    total = 0
    for path in paths:
        with path.open("rb") as stream:
            total += count_messages(stream)
    return total


def _messages(paths: list[Path], file_format: str) -> Iterator[RawMessage | None]:
    for path in paths:
        with path.open("rb") as stream:
            if file_format == "eml":
                yield read_eml(stream)
            else:
                yield from read_mbox(stream)


def import_files(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    paths: list[Path],
    file_format: str,
    now: datetime,
    progress: Callable[[Outcome], None] | None = None,
    keep_body: bool = False,
    addresses: Iterable[str] = (),
) -> Outcome:
    """Log the messages of the files; `progress(outcome)` after every hundred messages (it may
    commit) and at the end. Mail from the user's login, from `addresses` and from their connected
    mailbox's address is theirs ("we reached out")."""
    return record_messages(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        messages=_messages(paths, file_format),
        now=now,
        progress=progress,
        keep_body=keep_body,
        own_addresses=own_addresses(session, workspace_id, user_id, addresses),
    )
