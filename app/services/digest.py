"""The reminder digest: one email per user and workspace with their overdue and due reminders and
their neglected partners, sent by `flask reminders digest` (run daily by cron).

Rules:
- Frequency is a per-user preference: daily (the default), weekly (Mondays, in the user's time
  zone; the weekly mail also lists what is due in the coming six days) or off.
- "Today" is the user's local date at `now`, and nothing goes out before 06:00 local time, so an
  hourly cron delivers each digest in the user's early morning. A user gets a mail for a workspace
  only when there is something in it (no empty mails).
- Idempotent: a DigestLog row (user, workspace, local date) is written right after the mail server
  accepted the message, and a user+workspace with a row for that date is skipped. Running the
  command twice on the same day sends nothing new; a failed send writes no row, so the next run retries.

Flask-free: rendering (templates, links) and the mail transport are passed in.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import DigestLog, DigestPreference, Membership, Reminder, User, Workspace
from app.models.notifications import DIGEST_DAILY, DIGEST_OFF, DIGEST_WEEKLY
from app.services.clock import local_today, zone
from app.services.mail import mail_address, one_line
from app.services.reminders import due_reminders

NEGLECTED_LIMIT = 10
SEND_FROM_LOCAL_HOUR = 6
REMINDER_LIMIT = 200
log = logging.getLogger(__name__)


def neglected_for(session: Session, workspace_id: int, now: datetime, user_id: int, limit: int) -> list | None:
    """The user's neglected partners from the neglect rules, or None while those rules are absent."""
    try:
        from app.services.neglect import neglected_partners
    except ImportError:
        return None
    return list(neglected_partners(session, workspace_id, now, owner_id=user_id, limit=limit))


@dataclass
class Digest:
    user: User
    workspace: Workspace
    today: date
    frequency: str
    overdue: list[Reminder] = field(default_factory=list)
    due_today: list[Reminder] = field(default_factory=list)
    coming: list[Reminder] = field(default_factory=list)  # weekly only: the next six days
    neglected: list | None = None  # None: the neglect rules are not available
    disabled_webhooks: int = 0  # owners: webhook endpoints of the workspace disabled after failures
    failing_mail: list = field(default_factory=list)  # the user's mail accounts whose last sync failed

    @property
    def reminder_count(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.coming)

    @property
    def partner_count(self) -> int:
        return len(self.neglected or [])

    @property
    def is_empty(self) -> bool:
        return (
            self.reminder_count == 0
            and self.partner_count == 0
            and not self.disabled_webhooks
            and not self.failing_mail
        )


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


@dataclass
class Outcome:
    sent: list[Digest] = field(default_factory=list)
    skipped_already_sent: int = 0
    skipped_empty: int = 0
    skipped_not_today: int = 0
    failed: list[tuple[Digest, str]] = field(default_factory=list)


def frequency_of(pref: str | None) -> str:
    return pref if pref in (DIGEST_DAILY, DIGEST_WEEKLY, DIGEST_OFF) else DIGEST_DAILY


def get_frequency(session: Session, user_id: int) -> str:
    return frequency_of(session.scalar(select(DigestPreference.frequency).where(DigestPreference.user_id == user_id)))


def set_frequency(session: Session, user_id: int, frequency: str, now: datetime) -> None:
    from app.services import ServiceError

    if frequency not in (DIGEST_DAILY, DIGEST_WEEKLY, DIGEST_OFF):
        raise ServiceError("Choose daily, weekly or off.", field="frequency")
    pref = session.get(DigestPreference, user_id)
    if pref is None:
        session.add(DigestPreference(user_id=user_id, frequency=frequency, updated_at=now))
    else:
        pref.frequency = frequency
        pref.updated_at = now
    session.flush()


def is_digest_day(frequency: str, today: date) -> bool:
    if frequency == DIGEST_OFF:
        return False
    if frequency == DIGEST_WEEKLY:
        return today.weekday() == 0
    return True


def candidates(session: Session, now: datetime, *, user_ids: Iterable[int] | None = None):
    """(user, workspace, frequency) for every membership: one query."""
    stmt = (
        select(User, Workspace, DigestPreference.frequency)
        .join(Membership, Membership.user_id == User.id)
        .join(Workspace, Workspace.id == Membership.workspace_id)
        .outerjoin(DigestPreference, DigestPreference.user_id == User.id)
        .order_by(User.id, Workspace.id)
    )
    if user_ids is not None:
        stmt = stmt.where(User.id.in_(list(user_ids)))
    for user, workspace, frequency in session.execute(stmt):
        yield user, workspace, frequency_of(frequency)


def collect(
    session: Session, now: datetime, *, user_ids: Iterable[int] | None = None, outcome: Outcome | None = None
) -> list[Digest]:
    """The digests due at `now` that were not sent yet and have something in them."""
    outcome = outcome if outcome is not None else Outcome()
    rows = list(candidates(session, now, user_ids=user_ids))
    earliest = min((local_today(u.timezone, now) for u, _, _ in rows), default=None)
    already = set()
    if earliest is not None:
        already = {
            tuple(row)
            for row in session.execute(
                select(DigestLog.user_id, DigestLog.workspace_id, DigestLog.sent_on).where(
                    DigestLog.sent_on >= earliest
                )
            )
        }
    from app.services.mail_sync import failing_accounts
    from app.services.webhooks.endpoints import disabled_for_owners

    disabled = disabled_for_owners(session, user_ids=user_ids) if rows else {}
    failing_mail = failing_accounts(session, user_ids=user_ids) if rows else {}
    digests = []
    for user, workspace, frequency in rows:
        local_now = now.astimezone(zone(user.timezone))
        today = local_now.date()
        if not is_digest_day(frequency, today) or local_now.hour < SEND_FROM_LOCAL_HOUR:
            outcome.skipped_not_today += 1
            continue
        if (user.id, workspace.id, today) in already:
            outcome.skipped_already_sent += 1
            continue
        horizon = today + timedelta(days=6) if frequency == DIGEST_WEEKLY else today
        digest = Digest(user=user, workspace=workspace, today=today, frequency=frequency)
        for reminder in due_reminders(session, workspace.id, user.id, horizon, limit=REMINDER_LIMIT):
            if reminder.due_on < today:
                digest.overdue.append(reminder)
            elif reminder.due_on == today:
                digest.due_today.append(reminder)
            else:
                digest.coming.append(reminder)
        digest.neglected = neglected_for(session, workspace.id, now, user.id, NEGLECTED_LIMIT)
        digest.disabled_webhooks = disabled.get((user.id, workspace.id), 0)
        digest.failing_mail = failing_mail.get((user.id, workspace.id), [])
        if digest.is_empty:
            outcome.skipped_empty += 1
            continue
        digests.append(digest)
    return digests


def build_message(digest: Digest, rendered: Rendered, *, mail_from: str, domain: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = one_line(rendered.subject)
    msg["From"] = mail_from
    msg["To"] = mail_address(digest.user.name, digest.user.email)
    msg["Message-ID"] = make_msgid(
        idstring=f"digest-{digest.user.id}-{digest.workspace.id}-{digest.today:%Y%m%d}", domain=domain
    )
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


def send_digests(
    session: Session,
    now: datetime,
    *,
    render: Callable[[Digest], Rendered],
    transport,
    mail_from: str,
    domain: str | None = None,
    dry_run: bool = False,
    commit: Callable[[], None],
    user_ids: Iterable[int] | None = None,
) -> Outcome:
    """Collect and send the due digests. After each accepted message its DigestLog row is committed
    (through `commit`), so a crash half-way never causes a second mail to the same person that day."""
    outcome = Outcome()
    digests = collect(session, now, user_ids=user_ids, outcome=outcome)
    if dry_run:
        outcome.sent = digests
        return outcome
    for digest in digests:
        # each user's digest on its own: whatever goes wrong with one is logged and counted, the run goes on
        try:
            rendered = render(digest)
            transport.send(build_message(digest, rendered, mail_from=mail_from, domain=domain))
        except (smtplib.SMTPException, OSError) as error:
            log.warning("digest for %s (workspace %s) not sent: %s", digest.user.email, digest.workspace.id, error)
            outcome.failed.append((digest, str(error)))
            continue
        except Exception as error:
            # the digests before were committed: undo only this one's work (on PostgreSQL a failed
            # statement leaves the transaction unusable until then)
            session.rollback()
            log.exception("digest for %s (workspace %s) failed: %s", digest.user.email, digest.workspace.id, error)
            outcome.failed.append((digest, str(error)))
            continue
        session.add(
            DigestLog(
                user_id=digest.user.id,
                workspace_id=digest.workspace.id,
                sent_on=digest.today,
                sent_at=now,
                reminder_count=digest.reminder_count,
                partner_count=digest.partner_count,
            )
        )
        commit()
        outcome.sent.append(digest)
    return outcome
