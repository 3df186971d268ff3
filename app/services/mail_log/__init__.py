"""Email that logs itself: messages from a mail export or a synced mailbox become email interactions.

The interface the import (upload, `flask mail import`) and the mailbox sync (IMAP) share:
`record_messages(session, workspace_id=, user_id=, messages=, now=)` takes `RawMessage`s, logs
each one that involves a contact of the workspace as an email touch on that contact's partner, and
answers an `Outcome` with what happened to them.

(A plain stand-in until the mail import lands: no de-duplication, no suggestions, no ignore list.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import getaddresses, parsedate_to_datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Contact, Interaction, Partner, User


@dataclass(frozen=True)
class RawMessage:
    data: bytes  # the whole message as received (RFC 5322 bytes)
    internal_date: datetime | None = None  # the server's INTERNALDATE (IMAP) or the mbox "From " line, UTC


@dataclass
class Outcome:
    seen: int = 0  # messages read
    logged: int = 0  # interactions created
    duplicates: int = 0  # already logged (same Message-ID), by this user or a teammate
    skipped: int = 0  # no contact involved, internal mail, ignore list
    suggested: int = 0  # new "new contact?" suggestions
    failed: int = 0  # could not be read at all

    def add(self, other: Outcome) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def record_messages(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    messages: Iterable[RawMessage],
    now: datetime,
    progress: Callable[[Outcome], None] | None = None,
    keep_body: bool = False,
) -> Outcome:
    """Log the messages that involve a contact; the caller commits. The text of a message is kept
    only with `keep_body` (the user turned it on); else headers and a short snippet."""
    del keep_body  # the stand-in keeps no text at all
    outcome = Outcome()
    user_email = session.get(User, user_id).email.lower()
    for raw in messages:
        outcome.seen += 1
        message = message_from_bytes(raw.data, policy=policy.default)
        sender = [a.lower() for _, a in getaddresses(message.get_all("from", []))]
        others = [a.lower() for _, a in getaddresses(message.get_all("to", []) + message.get_all("cc", []))]
        contact = session.execute(
            select(Contact)
            .join(Partner, Partner.id == Contact.partner_id)
            .where(Partner.workspace_id == workspace_id, func.lower(Contact.email).in_(sender + others))
            .limit(1)
        ).scalar_one_or_none()
        if contact is None:
            outcome.skipped += 1
            continue
        theirs = (contact.email or "").lower() in sender and user_email not in sender
        try:
            when = parsedate_to_datetime(message["date"]).astimezone(UTC)
        except (TypeError, ValueError):
            when = raw.internal_date or now
        session.add(
            Interaction(
                workspace_id=workspace_id,
                partner_id=contact.partner_id,
                contact_id=contact.id,
                kind="email",
                direction="theirs" if theirs else "ours",
                occurred_at=when,
                summary=str(message["subject"] or "")[:500],
                created_by_id=user_id,
                created_at=now,
                updated_at=now,
            )
        )
        outcome.logged += 1
        if progress is not None:
            progress(outcome)
    return outcome
