"""Logging messages: each message that involves a contact becomes one email interaction on that
contact's partner (one per partner when it involves several), made by the interactions service so
every summary (flags, health, weekly trend, search) follows in the same flush as with a typed one.

A message is claimed first (a row keyed by workspace, Message-ID and partner: INSERT … ON CONFLICT
DO NOTHING), then logged: an import, a sync and a teammate's sync handing in the same message at
the same moment log it once; the others count it as a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from app.models import Interaction, Partner
from app.models.email_log import EmailMessage, EmailThreadMute, MailSuggestion
from app.services import Gone, ServiceError
from app.services import interactions as interaction_service
from app.services.mail_log.matching import Context, Match, load_context, match
from app.services.mail_log.parsing import Parsed, parse
from app.services.mail_log.store import insert_ignoring_conflict
from app.services.mail_log.types import Outcome, RawMessage

SUMMARY_CHARS = 500
BATCH = 100  # messages per flush: the summaries' flush hooks then refresh each partner once a batch


class _Recorder:
    def __init__(self, session: Session, context: Context, *, now: datetime, keep_body: bool, sent_by_us: bool):
        self.session = session
        self.context = context
        self.now = now
        self.keep_body = keep_body
        self.sent_by_us = sent_by_us
        self.pending: list[tuple[int, Interaction]] = []  # (claimed row id, its interaction not yet flushed)
        self.muted = set(
            session.scalars(
                select(EmailThreadMute.thread_key).where(EmailThreadMute.workspace_id == context.workspace_id)
            )
        )

    def thread_of(self, parsed: Parsed) -> str:
        """The thread's key: that of a logged message this one answers or refers to, else of the
        first message it refers to (the thread's start), else its own."""
        related = parsed.thread_keys[1:]
        if not related:
            return parsed.message_key
        known = self.session.scalar(
            select(EmailMessage.thread_key)
            .where(EmailMessage.workspace_id == self.context.workspace_id, EmailMessage.message_key.in_(related))
            .limit(1)
        )
        return known or related[0]

    def record(self, parsed: Parsed, outcome: Outcome) -> None:
        found: Match = match(self.context, parsed, sent_by_us=self.sent_by_us)
        thread_key = self.thread_of(parsed) if found.touches else parsed.message_key
        if found.touches and (thread_key in self.muted or any(k in self.muted for k in parsed.thread_keys)):
            outcome.skipped += 1
            return
        for address, name, partner_id in found.suggestions:
            self._suggest(address, name, partner_id, outcome)
        if not found.touches:
            outcome.skipped += 1
            return
        logged = 0
        for touch in found.touches:
            if self._logged_before_a_merge(parsed.message_key, touch.partner_id):
                continue
            claimed = insert_ignoring_conflict(
                self.session,
                EmailMessage.__table__,
                {
                    "workspace_id": self.context.workspace_id,
                    "message_key": parsed.message_key,
                    "thread_key": thread_key,
                    "partner_id": touch.partner_id,
                    "user_id": self.context.user_id,
                    "snippet": parsed.snippet or None,
                    "body": parsed.body if self.keep_body else None,
                    "created_at": self.now,
                },
                ("workspace_id", "message_key", "partner_id"),
            )
            if claimed is None:
                continue
            partner = self.session.get(Partner, touch.partner_id)
            data = {
                "kind": "email",
                "direction": touch.direction,
                "occurred_at": min(parsed.occurred_at, self.now),
                "summary": parsed.subject[:SUMMARY_CHARS] or None,
                "contact_id": touch.contact_id,
            }
            try:
                interaction = interaction_service.log_interaction(
                    self.session, partner, data, actor_id=self.context.user_id, now=self.now
                )
            except (Gone, ServiceError):  # the partner or contact went meanwhile: nothing to log it on
                self.session.execute(delete(EmailMessage).where(EmailMessage.id == claimed))
                continue
            self.pending.append((claimed, interaction))
            logged += 1
        if logged:
            outcome.logged += logged
        else:
            outcome.duplicates += 1

    def _logged_before_a_merge(self, message_key: str, partner_id: int) -> bool:
        """Whether the message was logged on a partner merged into this one since (its touch moved
        here with the merge)."""
        merged = self.context.merged.get(partner_id)
        if not merged:
            return False
        found = self.session.scalar(
            select(EmailMessage.id)
            .where(
                EmailMessage.workspace_id == self.context.workspace_id,
                EmailMessage.message_key == message_key,
                EmailMessage.partner_id.in_(merged),
            )
            .limit(1)
        )
        return found is not None

    def flush(self) -> None:
        """Write the batch's interactions (one flush) and tie each claimed message to its own."""
        if not self.pending:
            return
        self.session.flush()
        table = EmailMessage.__table__
        self.session.execute(
            update(table).where(table.c.id == bindparam("claimed")).values(interaction_id=bindparam("interaction")),
            [{"claimed": claimed, "interaction": interaction.id} for claimed, interaction in self.pending],
        )
        self.pending = []

    def _suggest(self, address: str, name: str, partner_id: int, outcome: Outcome) -> None:
        added = insert_ignoring_conflict(
            self.session,
            MailSuggestion.__table__,
            {
                "workspace_id": self.context.workspace_id,
                "email": address,
                "name": (name or "")[:200] or None,
                "partner_id": partner_id,
                "status": "open",
                "messages": 1,
                "last_seen_at": self.now,
                "created_at": self.now,
            },
            ("workspace_id", "email"),
        )
        self.context.known_suggestions.add(address)
        if added is not None:
            outcome.suggested += 1


def record_messages(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    messages: Iterable[RawMessage | None],
    now: datetime,
    progress: Callable[[Outcome], None] | None = None,
    keep_body: bool = False,
    own_addresses: Iterable[str] = (),
    sent_by_us: bool = False,
) -> Outcome:
    """Log the messages that involve a contact; the caller commits. `progress(outcome so far)` is
    called after every BATCH messages (their interactions written) and at the end; it may commit.
    A None in `messages` is a message that could not be read (too big); the text of a message is
    kept only with `keep_body`, else a short snippet. `own_addresses` are the user's too (a synced
    mailbox's address need not be the login's); `sent_by_us`: the messages are the user's own sent
    mail (a Sent folder), whatever address they came from."""
    context = load_context(session, workspace_id, user_id, own_addresses)
    recorder = _Recorder(session, context, now=now, keep_body=keep_body, sent_by_us=sent_by_us)
    outcome = Outcome()
    with session.no_autoflush:  # the batch's interactions are written together (Recorder.flush)
        for raw in messages:
            outcome.seen += 1
            try:
                if raw is None:
                    raise ValueError("unreadable")
                parsed = parse(raw.data, internal_date=raw.internal_date, now=now)
            except (ValueError, TypeError, LookupError, IndexError, AttributeError, AssertionError):
                outcome.failed += 1
            else:
                recorder.record(parsed, outcome)
            if outcome.seen % BATCH == 0:
                recorder.flush()
                if progress is not None:
                    progress(outcome)
        recorder.flush()
    if progress is not None and outcome.seen % BATCH:
        progress(outcome)
    return outcome
