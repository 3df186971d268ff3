"""Interactions: log, edit, delete (undoable) and restore; the partner timeline, the workspace
activity feed and the touches-per-week trend. The summaries they feed (each partner's activity, the
weekly counts) follow in the same flush: app/summaries/.

The summaries move by the difference each change makes, read from what the session loaded: so a
change first locks the row it changes and reads it as committed now (two deletes of one
interaction at once count it out once), and a touch logged for a partner keeps the partner's row
from being deleted until it is committed (its deletion then counts the touch out with the rest).
Whoever finds the row gone meanwhile gets `Gone`, as a later try would not find it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.messages import N_plural
from app.models import Contact, Interaction, Partner, TouchWeek, User
from app.models.interaction import DIRECTIONS, KINDS
from app.services import ServiceError, trash
from app.services.clock import week_start
from app.services.locking import keep, lock

SUMMARY_MAX = 5000
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little; more than this ahead is a typo


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
        raise ServiceError(
            N_plural(
                "Keep the summary under %(num)s character.", "Keep the summary under %(num)s characters.", SUMMARY_MAX
            ),
            field="summary",
        )
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
    keep(session, Partner, partner.id)  # not deleted meanwhile, nor until this commits
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
    return interaction


def update_interaction(session: Session, interaction: Interaction, data: dict, *, now: datetime) -> Interaction:
    lock(session, interaction)
    if interaction.deleted_at is not None:
        raise ServiceError("This interaction was deleted. Undo the delete to edit it.")
    values = _clean(session, interaction.partner, data, now)
    for name, value in values.items():
        setattr(interaction, name, value)
    interaction.updated_at = now
    return interaction


def delete_interaction(
    session: Session, interaction: Interaction, *, now: datetime, by_id: int | None = None, to_trash: bool = True
) -> None:
    """Mark it deleted and, unless its caller keeps an undo of its own (`to_trash=False`: a thread
    marked "not a touch"), put it in the Trash (`by_id`: the member who deleted it, when known)."""
    lock(session, interaction)
    if interaction.deleted_at is None:
        interaction.deleted_at = now
        if to_trash:
            trash.put(session, "interaction", interaction, label=interaction.summary, by_id=by_id, now=now)


def restore_interaction(session: Session, interaction: Interaction) -> None:
    lock(session, interaction)
    if interaction.deleted_at is not None:
        interaction.deleted_at = None
        trash.discard(session, "interaction", interaction.id)


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
        .options(joinedload(Interaction.contact), joinedload(Interaction.created_by), joinedload(Interaction.mail))
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


def activity_query(workspace_id: int, *, member_id: int | None = None, kind: str = ""):
    """The Activity feed's statement: the workspace's interactions (not deleted) with partner, contact
    and author names, of one member and one kind if given, newest first (the feed pages it, the
    export reads it all)."""
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
    return stmt.order_by(Interaction.occurred_at.desc(), Interaction.id.desc())


def activity_feed(
    session: Session,
    workspace_id: int,
    *,
    member_id: int | None = None,
    kind: str = "",
    page: int = 1,
    per_page: int = 30,
) -> FeedPage:
    """A page of the workspace's interactions, newest first, with partner, contact and author: one query."""
    page = max(1, page)
    rows = session.execute(
        activity_query(workspace_id, member_id=member_id, kind=kind).limit(per_page + 1).offset((page - 1) * per_page)
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
