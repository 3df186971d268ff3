"""Interactions: log, edit, delete (undoable) and restore, keeping each partner's PartnerActivity
summary right in the same transaction; the partner timeline and the workspace activity feed.

`recompute(session, workspace_id)` rebuilds every summary of a workspace with one grouped SQL
statement; a test checks that it agrees with the summaries kept incrementally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session, joinedload

from app.models import Contact, Interaction, Partner, PartnerActivity, TouchWeek, User
from app.models.interaction import DIRECTIONS, KINDS
from app.models.partner import recount_contacts
from app.services import ServiceError
from app.services.sqltime import seconds, sql_epoch

SUMMARY_MAX = 5000
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little; more than this ahead is a typo


# --- the summary --------------------------------------------------------------------------------


class Touch(NamedTuple):
    id: int
    occurred_at: datetime
    direction: str | None
    contact_id: int | None
    occurred_s: int | None = None  # seconds(occurred_at), when the caller has it already


def summarize(touches: list[Touch]) -> dict:
    """The PartnerActivity summary columns for one partner, from its touches sorted newest first
    (by occurred_at, then id)."""
    result = dict.fromkeys(PartnerActivity.SUMMARY_FIELDS)
    result.update(touch_count=len(touches), our_count=0, their_count=0, ours_since_theirs=0, run_length=0)
    if not touches:
        return result
    first = touches[0]

    def secs(touch):
        return touch.occurred_s if touch.occurred_s is not None else seconds(touch.occurred_at)

    result["last_touch_at"] = first.occurred_at
    result["last_touch_s"] = secs(first)
    result["last_touch_direction"] = first.direction
    if len(touches) >= 3:
        result["third_touch_s"] = secs(touches[2])
    seen_theirs = False
    for touch in touches:
        if touch.direction == "ours":
            result["our_count"] += 1
            if result["our_count"] == 1:
                result["last_our_s"] = secs(touch)
            if result["our_count"] == 3:
                result["third_our_s"] = secs(touch)
            if not seen_theirs:
                result["ours_since_theirs"] += 1
        elif touch.direction == "theirs":
            result["their_count"] += 1
            if not seen_theirs:
                result["last_their_s"] = secs(touch)
            seen_theirs = True
    result["run_contact_id"] = first.contact_id
    run = 0
    if first.contact_id is not None:
        while run < len(touches) and touches[run].contact_id == first.contact_id:
            run += 1
    result["run_length"] = run
    result["run_break_s"] = secs(touches[run]) if run < len(touches) else None
    return result


def refresh_partner_activity(session: Session, workspace_id: int, partner_id: int) -> PartnerActivity:
    """Recompute one partner's summary from its touches (two or three statements, any history size)."""
    session.flush()
    rows = session.execute(
        select(Interaction.id, Interaction.occurred_at, Interaction.direction, Interaction.contact_id)
        .where(Interaction.partner_id == partner_id, Interaction.deleted_at.is_(None), Interaction.kind != "note")
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    ).all()
    activity = session.get(PartnerActivity, partner_id)
    if activity is None:  # a partner added by a bulk insert: start its row now
        from app.services.activity_sync import copied_values

        recount_contacts(session.connection(), Partner.__table__.c.id == partner_id)  # bulk-added contacts too
        partner = session.get(Partner, partner_id, populate_existing=True)
        activity = PartnerActivity(
            partner_id=partner_id,
            workspace_id=workspace_id,
            **copied_values(partner),
            contact_count=partner.contact_count,
        )
        session.add(activity)
    for name, value in summarize([Touch(*row) for row in rows]).items():
        setattr(activity, name, value)
    session.flush()
    from app.services.neglect import DERIVED_FIELDS, Defaults, derive_thresholds

    session.execute(
        derive_thresholds(workspace_id, Defaults.of(session, workspace_id), [partner_id]),
        execution_options={"synchronize_session": False},
    )
    session.expire(activity, DERIVED_FIELDS)
    return activity


_RECOMPUTE_SQL = """
WITH t AS (
  SELECT partner_id, occurred_at, direction, contact_id, {epoch_occurred} AS s,
    ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY occurred_at DESC, id DESC) AS rn,
    ROW_NUMBER() OVER (PARTITION BY partner_id, direction ORDER BY occurred_at DESC, id DESC) AS drn,
    FIRST_VALUE(contact_id) OVER (PARTITION BY partner_id ORDER BY occurred_at DESC, id DESC) AS first_contact
  FROM interaction
  WHERE workspace_id = :ws AND deleted_at IS NULL AND kind <> 'note'
), t2 AS (
  SELECT t.*,
    MIN(CASE WHEN direction = 'theirs' THEN rn END) OVER (PARTITION BY partner_id) AS their_rn,
    MIN(CASE WHEN first_contact IS NULL OR contact_id IS NULL OR contact_id <> first_contact THEN rn END)
      OVER (PARTITION BY partner_id) AS break_rn
  FROM t
), agg AS (
  SELECT partner_id, COUNT(*) AS touch_count,
    SUM(CASE WHEN direction = 'ours' THEN 1 ELSE 0 END) AS our_count,
    SUM(CASE WHEN direction = 'theirs' THEN 1 ELSE 0 END) AS their_count,
    MAX(CASE WHEN rn = 1 THEN occurred_at END) AS last_touch_at,
    MAX(CASE WHEN rn = 1 THEN s END) AS last_touch_s,
    MAX(CASE WHEN rn = 1 THEN direction END) AS last_touch_direction,
    MAX(CASE WHEN rn = 3 THEN s END) AS third_touch_s,
    MAX(CASE WHEN direction = 'ours' THEN s END) AS last_our_s,
    MAX(CASE WHEN direction = 'theirs' THEN s END) AS last_their_s,
    SUM(CASE WHEN direction = 'ours' AND (their_rn IS NULL OR rn < their_rn) THEN 1 ELSE 0 END) AS ours_since_theirs,
    MAX(CASE WHEN direction = 'ours' AND drn = 3 THEN s END) AS third_our_s,
    MAX(first_contact) AS run_contact_id,
    COALESCE(MAX(break_rn) - 1, COUNT(*)) AS run_length,
    MAX(CASE WHEN rn = break_rn THEN s END) AS run_break_s
  FROM t2 GROUP BY partner_id
)
INSERT INTO partner_activity (partner_id, workspace_id, created_s, eligible, owner_id, tier, cadence_override,
  response_override, contact_count, touch_count, our_count,
  their_count, last_touch_at, last_touch_s, last_touch_direction, third_touch_s, last_our_s, last_their_s,
  ours_since_theirs, third_our_s, run_contact_id, run_length, run_break_s,
  cadence_days, response_days, due_s, soon_s, burst)
SELECT p.id, p.workspace_id, {epoch_created},
  (p.archived_at IS NULL AND p.status NOT IN ('ended') AND NOT p.no_prospects),
  p.owner_id, p.tier, p.cadence_days, p.response_time_days,
  p.contact_count, COALESCE(agg.touch_count, 0),
  COALESCE(agg.our_count, 0), COALESCE(agg.their_count, 0), agg.last_touch_at, agg.last_touch_s,
  agg.last_touch_direction, agg.third_touch_s, agg.last_our_s, agg.last_their_s,
  COALESCE(agg.ours_since_theirs, 0), agg.third_our_s, agg.run_contact_id, COALESCE(agg.run_length, 0),
  agg.run_break_s,
  0, 0, 0, 0, (1 = 0)
FROM partner p
LEFT JOIN agg ON agg.partner_id = p.id
WHERE p.workspace_id = :ws
"""


def recompute(session: Session, workspace_id: int) -> int:
    """Rebuild every PartnerActivity row of a workspace from its partners, contacts and interactions
    (three statements: clear, insert, derive the flag moments), and its touches-per-week counters;
    returns the PartnerActivity row count."""
    session.flush()
    dialect = session.get_bind().dialect.name
    sql = _RECOMPUTE_SQL.format(
        epoch_occurred=sql_epoch(dialect, "occurred_at"), epoch_created=sql_epoch(dialect, "p.created_at")
    )
    recount_contacts(session.connection(), Partner.__table__.c.workspace_id == workspace_id)
    session.execute(delete(PartnerActivity).where(PartnerActivity.workspace_id == workspace_id))
    session.execute(text(sql), {"ws": workspace_id})
    from app.services.neglect import Defaults, derive_thresholds

    session.execute(
        derive_thresholds(workspace_id, Defaults.of(session, workspace_id)),
        execution_options={"synchronize_session": False},
    )
    recompute_weeks(session, workspace_id)
    session.expire_all()
    return session.scalar(
        select(func.count()).select_from(PartnerActivity).where(PartnerActivity.workspace_id == workspace_id)
    )


# --- touches per week -------------------------------------------------------------------------


def week_start(moment: datetime) -> date:
    """The Monday (UTC) of the week a moment falls in."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def _week_key(interaction: Interaction):
    """(week, author) this interaction counts for in the trend, or None if it does not count."""
    if interaction.deleted_at is not None or interaction.kind == "note":
        return None
    return week_start(interaction.occurred_at), interaction.created_by_id


def _bump_week(session: Session, workspace_id: int, key, delta: int) -> None:
    if key is None:
        return
    week, author = key
    author_match = TouchWeek.author_id.is_(None) if author is None else TouchWeek.author_id == author
    result = session.execute(
        update(TouchWeek)
        .where(TouchWeek.workspace_id == workspace_id, TouchWeek.week_start == week, author_match)
        .values(touches=TouchWeek.touches + delta)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        session.add(TouchWeek(workspace_id=workspace_id, week_start=week, author_id=author, touches=delta))


def _move_week(session: Session, interaction: Interaction, before) -> None:
    after = _week_key(interaction)
    if before != after:
        _bump_week(session, interaction.workspace_id, before, -1)
        _bump_week(session, interaction.workspace_id, after, +1)


def recompute_weeks(session: Session, workspace_id: int) -> int:
    """Rebuild a workspace's touches-per-week counters from its interactions."""
    session.execute(delete(TouchWeek).where(TouchWeek.workspace_id == workspace_id))
    counts: dict = {}
    rows = session.execute(
        select(Interaction.occurred_at, Interaction.created_by_id)
        .where(Interaction.workspace_id == workspace_id, Interaction.deleted_at.is_(None), Interaction.kind != "note")
        .execution_options(yield_per=20_000)
    )
    for occurred_at, author in rows:
        key = (week_start(occurred_at), author)
        counts[key] = counts.get(key, 0) + 1
    week_rows = [
        {"workspace_id": workspace_id, "week_start": week, "author_id": author, "touches": n}
        for (week, author), n in counts.items()
    ]
    if week_rows:
        session.execute(insert(TouchWeek), week_rows)
    return len(week_rows)


# --- writing ------------------------------------------------------------------------------------


def _clean(session: Session, partner: Partner, data: dict, now: datetime) -> dict:
    kind = (data.get("kind") or "").strip()
    if kind not in KINDS:
        raise ServiceError("Choose what kind of interaction this was.", field="kind")
    direction = (data.get("direction") or "").strip() or None
    if kind == "note":
        direction = None
    elif direction not in DIRECTIONS:
        raise ServiceError("Say who reached out: we did, or they did.", field="direction")
    occurred_at = data.get("occurred_at")
    if occurred_at is None:
        raise ServiceError("Say when it happened.", field="occurred_at")
    if occurred_at.tzinfo is None:
        raise ServiceError("Say when it happened.", field="occurred_at")
    try:
        occurred_at = occurred_at.astimezone(UTC)
    except OverflowError:  # a local time at the very edge of the calendar has no UTC date
        raise ServiceError("Say when it happened.", field="occurred_at") from None
    if occurred_at > now + FUTURE_SLACK:
        raise ServiceError(
            "That is in the future. Log what happened; plan what comes next with a reminder.", field="occurred_at"
        )
    summary = (data.get("summary") or "").strip() or None
    if summary and len(summary) > SUMMARY_MAX:
        raise ServiceError(f"Keep the summary under {SUMMARY_MAX} characters.", field="summary")
    if kind == "note" and not summary:
        raise ServiceError("A note needs some text.", field="summary")
    contact_id = data.get("contact_id") or None
    if contact_id is not None:
        found = session.scalar(
            select(Contact.id).where(
                Contact.id == contact_id, Contact.partner_id == partner.id, Contact.removed_at.is_(None)
            )
        )
        if found is None:
            raise ServiceError("Choose one of this partner's contacts.", field="contact_id")
    return {
        "kind": kind,
        "direction": direction,
        "occurred_at": occurred_at,
        "summary": summary,
        "contact_id": contact_id,
    }


def log_interaction(
    session: Session, partner: Partner, data: dict, *, actor_id: int | None, now: datetime
) -> Interaction:
    values = _clean(session, partner, data, now)
    interaction = Interaction(
        workspace_id=partner.workspace_id,
        partner_id=partner.id,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(interaction)
    refresh_partner_activity(session, partner.workspace_id, partner.id)
    _move_week(session, interaction, None)
    return interaction


def update_interaction(session: Session, interaction: Interaction, data: dict, *, now: datetime) -> Interaction:
    if interaction.deleted_at is not None:
        raise ServiceError("This interaction was deleted. Undo the delete to edit it.")
    values = _clean(session, interaction.partner, data, now)
    before = _week_key(interaction)
    for name, value in values.items():
        setattr(interaction, name, value)
    interaction.updated_at = now
    refresh_partner_activity(session, interaction.workspace_id, interaction.partner_id)
    _move_week(session, interaction, before)
    return interaction


def delete_interaction(session: Session, interaction: Interaction, *, now: datetime) -> None:
    if interaction.deleted_at is None:
        before = _week_key(interaction)
        interaction.deleted_at = now
        refresh_partner_activity(session, interaction.workspace_id, interaction.partner_id)
        _move_week(session, interaction, before)


def restore_interaction(session: Session, interaction: Interaction) -> None:
    if interaction.deleted_at is not None:
        interaction.deleted_at = None
        refresh_partner_activity(session, interaction.workspace_id, interaction.partner_id)
        _move_week(session, interaction, None)


# --- reading ------------------------------------------------------------------------------------


def timeline(session: Session, partner_id: int, *, kind: str = "", page: int = 1, per_page: int = 20) -> FeedPage:
    """A partner's interactions, newest first, with contact and author: one query whatever the size."""
    conditions = [Interaction.partner_id == partner_id, Interaction.deleted_at.is_(None)]
    if kind in KINDS:
        conditions.append(Interaction.kind == kind)
    page = max(1, page)
    items = session.scalars(
        select(Interaction)
        .where(*conditions)
        .options(joinedload(Interaction.contact), joinedload(Interaction.created_by))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    return FeedPage(items=list(items[:per_page]), page=page, per_page=per_page, has_next=len(items) > per_page)


@dataclass
class FeedPage:
    """A page of a timeline or the activity feed: previous / next, without a total (no count query)."""

    items: list
    page: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def activity_feed(
    session: Session,
    workspace_id: int,
    *,
    member_id: int | None = None,
    kind: str = "",
    page: int = 1,
    per_page: int = 30,
) -> FeedPage:
    """The workspace's interactions, newest first, with partner, contact and author: one query."""
    stmt = (
        select(
            Interaction,
            Partner.name.label("partner_name"),
            Contact.name.label("contact_name"),
            User.name.label("author_name"),
        )
        .join(Partner, Partner.id == Interaction.partner_id)
        .outerjoin(Contact, Contact.id == Interaction.contact_id)
        .outerjoin(User, User.id == Interaction.created_by_id)
        .where(Interaction.workspace_id == workspace_id, Interaction.deleted_at.is_(None))
    )
    if member_id:
        stmt = stmt.where(Interaction.created_by_id == member_id)
    if kind in KINDS:
        stmt = stmt.where(Interaction.kind == kind)
    page = max(1, page)
    rows = session.execute(
        stmt.order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    return FeedPage(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)


def touches_per_week(
    session: Session, workspace_id: int, now: datetime, *, weeks: int = 12, author_id: int | None = None
) -> list[tuple[date, int]]:
    """Touches in each of the last `weeks` weeks (a week starts Monday 00:00 UTC), oldest first,
    all members' or one author's: one small grouped query over the weekly counters."""
    start = week_start(now) - timedelta(weeks=weeks - 1)
    stmt = (
        select(TouchWeek.week_start, func.sum(TouchWeek.touches))
        .where(TouchWeek.workspace_id == workspace_id, TouchWeek.week_start >= start)
        .group_by(TouchWeek.week_start)
    )
    if author_id:
        stmt = stmt.where(TouchWeek.author_id == author_id)
    counts = {week: int(n or 0) for week, n in session.execute(stmt)}
    return [(start + timedelta(weeks=i), counts.get(start + timedelta(weeks=i), 0)) for i in range(weeks)]
