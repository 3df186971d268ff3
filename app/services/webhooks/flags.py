"""Time-based events, found by a periodic scan: `flag.raised` and `reminder.due`.

Nothing changes in a row when a partner becomes neglected or a reminder falls due — time passes —
so no flush sees it. `scan_time_events(session, now)` (the worker's periodic task, and `flask
webhooks scan`) compares the moments kept in the summaries with `now`:

* **flag.raised** — a partner became *Neglected* or *Waiting on us* (the rules of
  app/services/neglect, read from the moments stored in PartnerActivity). Once per episode: the
  state table (WebhookFlagState) keeps one row per partner and flag while the flag holds, with the
  episode's anchor (Neglected: the last touch, or when the partner was added; Waiting on us: their
  last touch). A flag that no longer holds loses its row; one that holds again — or holds from a new
  anchor, having cleared and come back between two scans — is a new episode.
* **reminder.due** — an open reminder's due moment passed (its date, at its time if it has one, in
  the assignee's time zone — the reminders' own rule). Once per reminder and due date
  (WebhookReminderState): a snoozed reminder is due again on its new date. Reminders due more than
  GRACE_DAYS before the scan are not sent (a worker that was down sends what it missed; a first scan
  does not send years of old reminders).

The state rows are claimed with upserts whose WHERE says "new episode" / "new due date" and whose
RETURNING lists the rows that really changed: two scans running at once send each event once. Each
batch is a fixed number of statements (find, claim, load the objects) plus the outbox writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import and_, delete, exists, func, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from app.models import Partner, PartnerActivity, Reminder
from app.models.webhook_state import WebhookFlagState, WebhookReminderState
from app.representations import represent
from app.services.clock import zone
from app.services.neglect.flags import stored_flags
from app.services.webhooks.detection import Subscriptions

RAISED_FLAGS = ("neglected", "waiting_on_us")
BATCH = 500
GRACE_DAYS = 2


@dataclass(frozen=True)
class RaisedFlag:
    """The payload of flag.raised (schema: app/representations RaisedFlagSchema)."""

    flag: str
    since: datetime
    partner: Partner


@dataclass(frozen=True)
class ScanResult:
    flags_raised: int
    reminders_due: int


def _anchor(flag: str):
    pa = PartnerActivity
    return func.coalesce(pa.last_touch_s, pa.created_s) if flag == "neglected" else pa.last_their_s


def _since(flag: str):
    pa = PartnerActivity
    return pa.due_s if flag == "neglected" else pa.waiting_s


def _holding(now: datetime) -> dict:
    pa = PartnerActivity
    conditions = stored_flags(now)
    return {flag: and_(pa.eligible.is_(True), conditions[flag]) for flag in RAISED_FLAGS}


def _insert(session: Session, table):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)


def _clear_ended(session: Session, holding: dict) -> None:
    """Episodes whose flag no longer holds end: one DELETE."""
    state, pa = WebhookFlagState, PartnerActivity
    still = [
        and_(
            state.flag == flag,
            exists().where(pa.partner_id == state.partner_id, holding[flag]),
        )
        for flag in RAISED_FLAGS
    ]
    session.execute(delete(state).where(~or_(*still)), execution_options={"synchronize_session": False})


def _flag_batch(session: Session, now: datetime, holding: dict) -> tuple[int, int]:
    """One batch: (episodes found, events sent)."""
    state, pa = WebhookFlagState, PartnerActivity
    branches = []
    for flag in RAISED_FLAGS:
        anchor = _anchor(flag)
        branches.append(
            select(
                pa.partner_id.label("partner_id"),
                pa.workspace_id.label("workspace_id"),
                literal(flag).label("flag"),
                anchor.label("anchor_s"),
                _since(flag).label("since_s"),
            )
            .outerjoin(state, and_(state.partner_id == pa.partner_id, state.flag == flag))
            .where(holding[flag], or_(state.partner_id.is_(None), state.anchor_s != anchor))
        )
    found = session.execute(select(union_all(*branches).subquery()).limit(BATCH)).all()
    if not found:
        return 0, 0
    since = {(row.partner_id, row.flag): row.since_s for row in found}
    insert = _insert(session, WebhookFlagState.__table__)
    stmt = insert.values(
        [
            {
                "partner_id": row.partner_id,
                "workspace_id": row.workspace_id,
                "flag": row.flag,
                "anchor_s": row.anchor_s,
                "raised_at": now,
            }
            for row in found
        ]
    )
    table = WebhookFlagState.__table__
    claimed = session.execute(
        stmt.on_conflict_do_update(
            index_elements=["partner_id", "flag"],
            set_={"anchor_s": stmt.excluded.anchor_s, "raised_at": stmt.excluded.raised_at},
            where=table.c.anchor_s != stmt.excluded.anchor_s,
        ).returning(table.c.partner_id, table.c.flag)
    ).all()
    from app.services.webhooks import emit

    subscriptions = Subscriptions(session, {row.workspace_id for row in found})
    workspace_of = {row.partner_id: row.workspace_id for row in found}
    claimed = [c for c in claimed if subscriptions.wanted(workspace_of[c[0]], "flag.raised")]
    ids = {pid for pid, _ in claimed}
    partners = {p.id: p for p in session.scalars(select(Partner).where(Partner.id.in_(ids))).unique()} if ids else {}
    for partner_id, flag in sorted(claimed):
        partner = partners[partner_id]
        moment = datetime.fromtimestamp(since[(partner_id, flag)], tz=now.tzinfo)
        emit(
            session,
            workspace_id=partner.workspace_id,
            type="flag.raised",
            data=represent(RaisedFlag(flag=flag, since=moment, partner=partner)),
            occurred_at=now,
        )
    return len(found), len(claimed)


def scan_flags(session: Session, now: datetime) -> int:
    """Send flag.raised for each new episode; returns how many."""
    holding = _holding(now)
    _clear_ended(session, holding)
    sent, found = 0, BATCH
    while found == BATCH:  # a claimed or lost row is not found again: the loop ends
        found, claimed = _flag_batch(session, now, holding)
        sent += claimed
    return sent


def _due(reminder: Reminder, now: datetime) -> bool:
    tz = reminder.assignee.timezone if reminder.assignee is not None else None
    local = now.astimezone(zone(tz))
    at = datetime.combine(reminder.due_on, reminder.due_time or time(0), tzinfo=local.tzinfo)
    return at <= local


def scan_reminders(session: Session, now: datetime) -> int:
    """Send reminder.due for each open reminder whose due moment has passed, once per due date."""
    state = WebhookReminderState
    utc_today = now.date()
    # every time zone's "today" lies within a day of UTC's
    window = Reminder.due_on.between(utc_today - timedelta(days=GRACE_DAYS), utc_today + timedelta(days=1))
    after, sent = 0, 0
    from app.services.webhooks import emit

    while True:
        reminders = session.scalars(
            select(Reminder)
            .options(joinedload(Reminder.assignee))
            .outerjoin(state, state.reminder_id == Reminder.id)
            .where(
                Reminder.completed_at.is_(None),
                window,
                or_(state.reminder_id.is_(None), state.due_on != Reminder.due_on),
                Reminder.id > after,
            )
            .order_by(Reminder.id)
            .limit(BATCH)
        ).all()
        if not reminders:
            return sent
        after = reminders[-1].id
        due = {r.id: r for r in reminders if _due(r, now)}
        if due:
            table = state.__table__
            stmt = _insert(session, table).values(
                [
                    {"reminder_id": r.id, "workspace_id": r.workspace_id, "due_on": r.due_on, "sent_at": now}
                    for r in due.values()
                ]
            )
            claimed = session.scalars(
                stmt.on_conflict_do_update(
                    index_elements=["reminder_id"],
                    set_={"due_on": stmt.excluded.due_on, "sent_at": stmt.excluded.sent_at},
                    where=table.c.due_on != stmt.excluded.due_on,
                ).returning(table.c.reminder_id)
            ).all()
            subscriptions = Subscriptions(session, {r.workspace_id for r in due.values()})
            for reminder_id in sorted(claimed):
                reminder = due[reminder_id]
                if not subscriptions.wanted(reminder.workspace_id, "reminder.due"):
                    continue
                emit(
                    session,
                    workspace_id=reminder.workspace_id,
                    type="reminder.due",
                    data=represent(reminder),
                    occurred_at=now,
                )
                sent += 1
        if len(reminders) < BATCH:
            return sent


def scan_time_events(session: Session, now: datetime) -> ScanResult:
    """The periodic scan: flag.raised and reminder.due up to `now` (the caller commits)."""
    return ScanResult(flags_raised=scan_flags(session, now), reminders_due=scan_reminders(session, now))
